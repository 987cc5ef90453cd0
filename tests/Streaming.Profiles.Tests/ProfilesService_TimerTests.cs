using Confluent.Kafka;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.Redis;
using Streaming.Profiles.Timers;

namespace Streaming.Profiles.Tests;

public sealed class ProfilesService_TimerTests : IAsyncLifetime
{
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
    public async Task Timer_tags_a_lapsed_visitor_with_no_new_event_after_the_service_restarted()
    {
        const string tenant = "t-timer";
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var visit = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var first = await ProfilesFixture.StartAsync(clock, _kafka, _redis))
        {
            await first.PutTagAsync(tenant, "lapsed-visitor", """{"name":"No visit for 7 days","condition":{"metric":{"fn":"daysSince"},"op":"gte","value":7}}""");
            await first.SendAsync(ProfilesFixture.Event(tenant, 3, "Page Viewed", visit, type: "page"));
            await ProfilesFixture.WaitFor(() => first.ProfileAsync(tenant, "/api/profiles/3"), TimeSpan.FromSeconds(30), "the visit to be applied");
        }
        using (var redis = await ConnectionMultiplexer.ConnectAsync(_redis.ClientConfiguration))
        {
            var due = await redis.GetDatabase().SortedSetScoreAsync(TagTimers.Key(TagTimers.PartitionOf(tenant, 3)), $"{tenant}/3");
            Assert.Equal(visit + 86_400_000, (long?)due);
        }

        await using var second = await ProfilesFixture.StartAsync(clock, _kafka, _redis);
        await second.SendAsync(ProfilesFixture.Event(tenant, 4, "Page Viewed", visit, type: "page"));
        await ProfilesFixture.WaitFor(() => second.ProfileAsync(tenant, "/api/profiles/4"), TimeSpan.FromSeconds(30), "the new instance to own the partitions");
        Assert.DoesNotContain(second.Changes, c => c.Kind == ProfileChangeKind.TagEntered);

        clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));

        var entered = await second.WaitForChange(c => c is { PersonId: 3, Kind: ProfileChangeKind.TagEntered, TagId: "lapsed-visitor" }, TimeSpan.FromSeconds(20), "the timer to tag person 3");
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds(), entered.At);
        Assert.Null(entered.CauseMessageId);
    }

    [Fact]
    public async Task Timers_live_in_the_partition_the_producer_sends_the_person_to()
    {
        await using var host = await ProfilesFixture.StartAsync(sharedKafka: _kafka, sharedRedis: _redis);
        var people = Enumerable.Range(1, 40).Select(i => (long)i * 7919).ToList();
        await host.SendAsync([.. people.Select(p => ProfilesFixture.Event("t-part", p, "Page Viewed", 1, type: "page"))]);

        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig { BootstrapServers = _kafka.BootstrapServers, GroupId = "partition-check", EnableAutoCommit = false }).Build();
        var topic = TopicCatalog.EventsIdentified;
        consumer.Assign(Enumerable.Range(0, topic.Partitions).Select(p => new TopicPartitionOffset(topic.Name, p, Offset.Beginning)));
        var seen = new Dictionary<string, int>();
        var deadline = DateTime.UtcNow + Eventually.Limit;
        while (seen.Count < people.Count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false, Message: not null } result)
                seen[result.Message.Key] = result.Partition.Value;
        }

        Assert.Equal(people.Count, seen.Count);
        Assert.All(people, p => Assert.Equal(seen[PartitionKey.For("t-part", p)], TagTimers.PartitionOf("t-part", p)));
    }
}
