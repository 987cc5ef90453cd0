using StackExchange.Redis;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Tests.Consumers;
using Streaming.ServiceDefaults.Timers;

namespace Streaming.ServiceDefaults.Tests.Timers;

public sealed class TimerSweeper_IsolationTests
{
    [Fact]
    public async Task TimerSweeper_postpones_a_failing_timer_and_fires_the_rest_of_its_partition()
    {
        await using var bed = await TimerFixture.StartAsync();
        var handler = new RecordingTimerHandler();
        var outageLeft = 1;
        handler.OnFire = timer => timer.Id switch
        {
            "broken" => throw new InvalidOperationException("unreadable state"),
            // A dependency outage is not the timer's fault: it stays due and fires on a later sweep.
            "outage" when Interlocked.Decrement(ref outageLeft) >= 0 => throw new DependencyUnavailableException("redis is down"),
            _ => Task.CompletedTask,
        };
        var member = await bed.StartMemberAsync(handler);
        await KafkaFixture.WaitUntil(() => member.AssignedPartitions.Count == KafkaFixture.Partitions, Eventually.Limit, "the member to own every partition");

        // The failing timer is due first, in the same partition as the others.
        var partition = bed.Set.PartitionOf("k");
        var sameKeys = Enumerable.Range(0, 1000).Select(i => $"k{i}").Where(k => bed.Set.PartitionOf(k) == partition).Take(3).ToList();
        await bed.Timers.ScheduleAsync("k", "broken", bed.Now + 1_000);
        await bed.Timers.ScheduleAsync(sameKeys[0], "outage", bed.Now + 2_000);
        await bed.Timers.ScheduleAsync(sameKeys[1], "healthy-1", bed.Now + 3_000);
        await bed.Timers.ScheduleAsync(sameKeys[2], "healthy-2", bed.Now + 4_000);

        bed.Clock.Advance(TimeSpan.FromSeconds(10));
        await bed.SweepUntil(() => handler.Fired.Count(t => t.Id is "healthy-1" or "healthy-2") == 2 && handler.Fired.Count(t => t.Id == "outage") == 2,
            "the healthy timers and the retried outage timer to fire");

        var db = bed.Connection.GetDatabase();
        var postponed = await db.SortedSetScoreAsync(bed.Set.Key(partition), "broken");
        Assert.NotNull(postponed);
        Assert.True(postponed > bed.Now, "the failing timer waits for its retry instead of firing on every sweep");
        foreach (var id in new RedisValue[] { "outage", "healthy-1", "healthy-2" })
            Assert.Null(await db.SortedSetScoreAsync(bed.Set.Key(partition), id));
    }
}
