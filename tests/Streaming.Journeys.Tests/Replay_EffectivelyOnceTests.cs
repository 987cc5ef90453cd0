using Confluent.Kafka;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.Redis;

namespace Streaming.Journeys.Tests;

/// <summary>Every input topic read again from the beginning (a new consumer group) requests no message a second time.</summary>
public sealed class Replay_EffectivelyOnceTests : IAsyncLifetime
{
    private const string Tenant = "t-replay";
    private EmbeddedKafka _kafka = null!;
    private TestRedis _redis = null!;

    public async Task InitializeAsync()
    {
        _kafka = EmbeddedKafka.Start(1, TopicCatalog.All.Select(t => (t.Name, t.Partitions)));
        _redis = await TestRedis.StartAsync();
    }

    public Task DisposeAsync()
    {
        _redis.Dispose();
        _kafka.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Replay_of_every_input_topic_produces_no_second_dispatch_request()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(JourneysFixture.Start);
        await using (var first = await JourneysFixture.StartAsync(clock, _kafka, _redis))
        {
            await first.PublishAsync(Tenant, "new-member", Templates.BuiltInJourneys.NewMemberCoupon);
            foreach (var person in new long[] { 1, 2, 3 })
                await first.SendAsync(first.Consent(Tenant, person), JourneysFixture.Event(Tenant, person, "Signed Up", first.Now));
            var push = await first.WaitForDispatch(d => d.PersonId == 1 && d.StepId == "d1-push", "person 1's push");
            await first.ReceiptAsync(push, ReceiptStatus.Clicked);
            await first.SendAsync(new IdentifiedEvent(2, JourneysFixture.Event(Tenant, 2, "x", first.Now).Event));
            await first.Producer.ProduceAsync(TopicCatalog.ProfilesChanges, Contracts.PartitionKey.For(Tenant, 3), new ProfileChange
            {
                ChangeId = "c-3", Tenant = Tenant, PersonId = 3, Kind = ProfileChangeKind.TraitChanged, Trait = "plan", NewValue = "\"pro\"", At = first.Now,
            });
            clock.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
            await first.WaitFor(() => first.Dispatches.Count(d => d.Channel == "sms") == 3 ? "three" : null, "the day-3 SMS of all three");
            await SettledAsync(first, "journeys");
        }
        var before = await CountAsync();

        // A new group reads every input topic from its beginning, on the same state.
        await using var replay = await JourneysFixture.StartAsync(clock, _kafka, _redis, new Dictionary<string, string?> { ["Journeys:GroupId"] = "journeys-replay" });
        await SettledAsync(replay, "journeys-replay");
        Assert.Equal(before, await CountAsync());
        Assert.Equal(6, before);
    }

    /// <summary>Waits until the group committed every input message (it commits only after its outputs were acknowledged).</summary>
    private async Task SettledAsync(JourneysFixture host, string group)
    {
        using var probe = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = _kafka.BootstrapServers, GroupId = group, EnableAutoCommit = false }).Build();
        TopicDefinition[] inputs = [TopicCatalog.EventsIdentified, TopicCatalog.ProfilesChanges, TopicCatalog.MessagesReceipts];
        await JourneysFixture.WaitUntilAsync(() =>
        {
            foreach (var topic in inputs)
            {
                var partitions = Enumerable.Range(0, topic.Partitions).Select(p => new TopicPartition(topic.Name, p)).ToList();
                var committed = probe.Committed(partitions, TimeSpan.FromSeconds(10)).Sum(c => Math.Max(0, c.Offset.Value));
                var end = partitions.Sum(p => probe.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value);
                if (committed != end)
                    return Task.FromResult(false);
            }
            return Task.FromResult(true);
        }, $"group {group} to commit every input");
    }

    /// <summary>DispatchRequests on every dispatch topic, counted on the broker.</summary>
    private async Task<long> CountAsync()
    {
        using var probe = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = _kafka.BootstrapServers, GroupId = "count", EnableAutoCommit = false }).Build();
        await Task.CompletedTask;
        return TopicCatalog.Channels.Select(TopicCatalog.Dispatch)
            .SelectMany(t => Enumerable.Range(0, t.Partitions).Select(p => new TopicPartition(t.Name, p)))
            .Sum(p => probe.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value);
    }
}
