using System.Text;
using Confluent.Kafka;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Kafka;

namespace Streaming.ServiceDefaults.Tests.Consumers;

public sealed class ConsumerRuntime_DeadLetterTests : IDisposable
{
    private readonly KafkaFixture _bed = new();

    [Fact]
    public async Task Poison_message_lands_in_the_dead_letter_topic_with_its_reason_and_later_messages_are_handled()
    {
        var messages = Enumerable.Range(0, 20).Select(i => OutboundMessage.Create(_bed.Input, "same-key",
            KafkaFixture.Change(i == 7 ? "poison" : "fine", i))).ToList();
        await _bed.Producer.ProduceAllAsync(messages);
        var handler = new RecordingHandler
        {
            FailWith = change => change.Trait == "poison" ? new InvalidOperationException("cannot handle poison") : null,
        };
        var runtime = _bed.Runtime(handler, "dlq-group", s => s with { MaxAttempts = 3 });
        await runtime.StartAsync(CancellationToken.None);
        try
        {
            await KafkaFixture.WaitUntil(() => handler.Seen.Select(s => s.Sequence).Distinct().Count() == 19, TimeSpan.FromSeconds(30), "the 19 good messages");
            var dead = _bed.ReadAll(_bed.Input.DeadLetterName, 1, 1, TimeSpan.FromSeconds(10));
            var letter = Assert.Single(dead);
            Assert.Equal(7, _bed.Serdes.Deserialize(_bed.Input, letter.Message.Value).PersonId);
            Assert.Contains("cannot handle poison", Header(letter, DeadLetterHeaders.Reason));
            Assert.Equal("3", Header(letter, DeadLetterHeaders.Attempts));
            Assert.Equal(_bed.Input.Name, Header(letter, DeadLetterHeaders.OriginTopic));
            Assert.Equal("same-key", Encoding.UTF8.GetString(letter.Message.Key));
            // Messages after the poison one in the same partition were handled, in order.
            Assert.Equal([.. Enumerable.Range(8, 12)], handler.Seen.Select(s => s.Sequence).Where(s => s > 7).Distinct().ToList());
        }
        finally
        {
            await runtime.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Dead_letter_outcome_and_undeserializable_bytes_go_to_the_dead_letter_topic_with_reasons()
    {
        await _bed.Producer.ProduceAllAsync([OutboundMessage.Create(_bed.Input, "a", KafkaFixture.Change("reject", 1))]);
        await _bed.Producer.ProduceRawAsync(_bed.Input.Name, Encoding.UTF8.GetBytes("b"), Encoding.UTF8.GetBytes("{\"not\":\"avro\"}"), []);
        var handler = new RecordingHandler();
        var runtime = _bed.Runtime(handler, "dlq-group-2");
        await runtime.StartAsync(CancellationToken.None);
        try
        {
            var dead = _bed.ReadAll(_bed.Input.DeadLetterName, 1, 2, TimeSpan.FromSeconds(20));
            Assert.Equal(2, dead.Count);
            var reasons = dead.Select(d => Header(d, DeadLetterHeaders.Reason)).ToList();
            Assert.Contains(reasons, r => r.Contains("trait 'reject' is not allowed", StringComparison.Ordinal));
            Assert.Contains(reasons, r => r.StartsWith("undeserializable", StringComparison.Ordinal));
            Assert.Contains(dead, d => Encoding.UTF8.GetString(d.Message.Value) == "{\"not\":\"avro\"}");
        }
        finally
        {
            await runtime.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Dependency_outage_pauses_and_retries_without_dead_lettering()
    {
        await _bed.ProduceSequencesAsync(keys: 10, perKey: 50);
        var down = true;
        var handler = new RecordingHandler { FailWith = _ => down ? new DependencyUnavailableException("redis is down") : null };
        var runtime = _bed.Runtime(handler, "outage-group", s => s with { MaxAttempts = 2, QueueCapacity = 20 });
        await runtime.StartAsync(CancellationToken.None);
        try
        {
            await KafkaFixture.WaitUntil(() => handler.Batches > 10, TimeSpan.FromSeconds(60), "retries during the outage");
            // A partition whose worker is stuck must be paused, not buffered without bound.
            await KafkaFixture.WaitUntil(() => runtime.Pauses > 0, TimeSpan.FromSeconds(60), "a stuck partition to be paused");
            Assert.Empty(handler.Seen);
            down = false;
            await KafkaFixture.WaitUntil(() => handler.Seen.Select(s => (s.Key, s.Sequence)).Distinct().Count() == 500, TimeSpan.FromSeconds(60), "all messages after recovery");
            Assert.Empty(_bed.ReadAll(_bed.Input.DeadLetterName, 1, 1, TimeSpan.FromSeconds(1)));
        }
        finally
        {
            await runtime.StopAsync(CancellationToken.None);
        }
    }

    private static string Header(ConsumeResult<byte[], byte[]> result, string name) =>
        DeadLetterHeaders.Read(result.Message.Headers, name) ?? throw new Xunit.Sdk.XunitException($"header {name} missing");

    public void Dispose() => _bed.Dispose();
}
