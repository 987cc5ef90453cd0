using Streaming.ServiceDefaults.Tests.Consumers;
using Streaming.ServiceDefaults.Timers;

namespace Streaming.ServiceDefaults.Tests.Timers;

public sealed class TimerSweeper_OwnershipTests
{
    [Fact]
    public async Task TimerSweeper_fires_each_timer_once_at_the_instance_whose_consumer_owns_its_partition()
    {
        await using var bed = await TimerFixture.StartAsync();
        var handlers = new[] { new RecordingTimerHandler(), new RecordingTimerHandler() };
        var members = new[] { await bed.StartMemberAsync(handlers[0]), await bed.StartMemberAsync(handlers[1]) };
        await KafkaFixture.WaitUntil(() => members.All(m => m.AssignedPartitions.Count > 0) && members.Sum(m => m.AssignedPartitions.Count) == KafkaFixture.Partitions,
            TimeSpan.FromSeconds(30), "both members to own their share of the partitions");

        var keys = Enumerable.Range(0, 60).Select(i => $"person-{i}").ToList();
        await bed.Timers.ApplyAsync([.. keys.Select(k => new TimerChange(k, "wake:" + k, bed.Now + 60_000))]);
        await bed.Timers.ScheduleAsync("later", "wake:later", bed.Now + 3_600_000);
        Assert.Contains(keys, k => !members[0].AssignedPartitions.Contains(bed.Set.PartitionOf(k)));

        bed.Clock.Advance(TimeSpan.FromMinutes(1));
        await bed.SweepUntil(() => handlers.Sum(h => h.Fired.Count) >= keys.Count, "every due timer to fire");

        for (var i = 0; i < members.Length; i++)
            Assert.All(handlers[i].Fired, t => Assert.Contains(t.Partition, members[i].AssignedPartitions));
        var fired = handlers.SelectMany(h => h.Fired).ToList();
        Assert.Equal(keys.Select(k => "wake:" + k).Order(), fired.Select(t => t.Id).Order());
        Assert.All(fired, t => Assert.Equal(bed.Set.PartitionOf(t.Id["wake:".Length..]), t.Partition));
        var left = Enumerable.Range(0, bed.Set.Partitions).Sum(p => bed.Connection.GetDatabase().SortedSetLength(bed.Set.Key(p)));
        Assert.Equal(1, left);
    }
}
