using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Kafka;

namespace Streaming.ServiceDefaults.Tests.Consumers;

/// <summary>A partition worker never stalls unseen: what cannot go on is dead-lettered, or the service stops and says why.</summary>
public sealed class ConsumerRuntime_FailLoudlyTests : IDisposable
{
    private readonly KafkaFixture _bed = new();

    [Fact]
    public async Task Runtime_dead_letters_a_message_whose_outputs_the_broker_refuses_and_goes_on()
    {
        await _bed.Producer.ProduceAllAsync([.. Enumerable.Range(0, 12).Select(i => OutboundMessage.Create(_bed.Input, "same-key", KafkaFixture.Change("fine", i)))]);
        // Message 5's output is larger than the producer's message.max.bytes: the broker will never take it.
        var handler = new OutputsHandler(_bed.Output, change => change.PersonId == 5 ? new string('x', 2_000_000) : "small");
        var runtime = _bed.Runtime(handler, "fail-outputs", s => s with { MaxAttempts = 2 });
        await runtime.StartAsync(CancellationToken.None);
        try
        {
            var dead = _bed.ReadAll(_bed.Input.DeadLetterName, 1, 1, TimeSpan.FromSeconds(30));
            var letter = Assert.Single(dead);
            Assert.Equal(5, _bed.Serdes.Deserialize(_bed.Input, letter.Message.Value).PersonId);
            Assert.StartsWith("outputs could not be produced", Encoding.UTF8.GetString(letter.Message.Headers.GetLastBytes(DeadLetterHeaders.Reason)), StringComparison.Ordinal);
            // Outputs of a retried batch may come twice (same ids, deduplicated downstream): compare the distinct ones.
            var outputs = _bed.ReadAll(_bed.Output.Name, KafkaFixture.Partitions, 100, TimeSpan.FromSeconds(5));
            Assert.Equal([.. Enumerable.Range(0, 12).Where(i => i != 5)], outputs.Select(o => (int)_bed.Serdes.Deserialize(_bed.Output, o.Message.Value).PersonId).Distinct().Order().ToList());
            Assert.Empty(runtime.Failures.Failed);
        }
        finally
        {
            await runtime.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Runtime_stops_and_reports_the_partition_when_its_worker_fails_unexpectedly()
    {
        await _bed.Producer.ProduceAllAsync([OutboundMessage.Create(_bed.Input, "k", KafkaFixture.Change("fine", 1))]);
        // The worker's own machinery fails (its retry backoff cannot get a timer): nothing a dead letter can fix.
        var handler = new RecordingHandler { FailWith = _ => new InvalidOperationException("handler failed") };
        var subscription = new Subscription<ProfileChange>(_bed.Input, "fail-worker");
        var runtime = new ConsumerRuntime<ProfileChange>(subscription, handler, _bed.Serdes, _bed.Producer, _bed.Options, new TimerlessTime(), NullLoggerFactory.Instance);
        await runtime.StartAsync(CancellationToken.None);
        try
        {
            await KafkaFixture.WaitUntil(() => runtime.ExecuteTask is { IsCompleted: true }, TimeSpan.FromSeconds(30), "the runtime to stop");
            Assert.True(runtime.ExecuteTask!.IsFaulted);
            var failure = Assert.Single(runtime.Failures.Failed);
            Assert.Contains(_bed.Input.Name, failure.Key, StringComparison.Ordinal);
            Assert.Contains("no timers here", failure.Value, StringComparison.Ordinal);
        }
        finally
        {
            try
            {
                await runtime.StopAsync(CancellationToken.None);
            }
            catch (InvalidOperationException)
            {
                // the failure the test provoked
            }
        }
    }

    private sealed class TimerlessTime : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            throw new NotSupportedException("no timers here");
    }

    private sealed class OutputsHandler(Contracts.Topics.Topic<ProfileChange> output, Func<ProfileChange, string> trait) : IConsumerHandler<ProfileChange>
    {
        public Task<IReadOnlyList<HandlerOutcome>> HandleAsync(IReadOnlyList<InboundMessage<ProfileChange>> batch, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<HandlerOutcome>>([.. batch.Select(m => HandlerOutcome.Continue(
                OutboundMessage.Create(output, m.Key, m.Value with { Trait = trait(m.Value) })))]);
    }

    public void Dispose() => _bed.Dispose();
}
