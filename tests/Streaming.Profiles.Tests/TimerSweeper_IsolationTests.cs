using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.Redis;
using Streaming.Profiles.Storage;
using Streaming.Profiles.Timers;

namespace Streaming.Profiles.Tests;

public sealed class TimerSweeper_IsolationTests
{
    [Fact]
    public async Task TimerSweeper_fires_the_other_timers_of_a_partition_when_one_person_fails()
    {
        const string tenant = "t-sweep";
        using var kafka = EmbeddedKafka.Start(1, TopicCatalog.All.Select(t => (t.Name, t.Partitions)));
        using var redis = await TestRedis.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var visit = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var host = await ProfilesFixture.StartAsync(clock, kafka, redis);
        await host.PutTagAsync(tenant, "lapsed-visitor", """{"name":"No visit for 7 days","condition":{"metric":{"fn":"daysSince"},"op":"gte","value":7}}""");
        await host.SendAsync(ProfilesFixture.Event(tenant, 3, "Page Viewed", visit, type: "page"));
        await ProfilesFixture.WaitFor(() => host.ProfileAsync(tenant, "/api/profiles/3"), TimeSpan.FromSeconds(30), "the visit to be applied");

        // A person of the same partition whose stored profile cannot be read, due first.
        var broken = Enumerable.Range(100, 10_000).First(p => TagTimers.PartitionOf(tenant, p) == TagTimers.PartitionOf(tenant, 3));
        using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
        {
            var db = connection.GetDatabase();
            await db.HashSetAsync(ProfileStore.Key(tenant, broken), [new("v", 1), new("d", new byte[] { 99, 1, 2 })]);
            await db.SortedSetAddAsync(TagTimers.Key(TagTimers.PartitionOf(tenant, broken)), $"{tenant}/{broken}", visit);
        }

        clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));

        var entered = await host.WaitForChange(c => c is { PersonId: 3, Kind: ProfileChangeKind.TagEntered, TagId: "lapsed-visitor" }, TimeSpan.FromSeconds(20), "the timer to tag person 3");
        Assert.Null(entered.CauseMessageId);
        using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
        {
            // The broken person's timer waits for a later retry instead of blocking the sweep.
            var due = await connection.GetDatabase().SortedSetScoreAsync(TagTimers.Key(TagTimers.PartitionOf(tenant, broken)), $"{tenant}/{broken}");
            Assert.True(due > clock.GetUtcNow().ToUnixTimeMilliseconds());
        }
    }
}
