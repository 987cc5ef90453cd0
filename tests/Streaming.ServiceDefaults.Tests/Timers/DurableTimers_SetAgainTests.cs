using Streaming.ServiceDefaults.Tests.Consumers;

namespace Streaming.ServiceDefaults.Tests.Timers;

public sealed class DurableTimers_SetAgainTests
{
    [Fact]
    public async Task DurableTimers_keeps_a_timer_its_handler_set_again_while_it_fired()
    {
        await using var bed = await TimerFixture.StartAsync();
        var handler = new RecordingTimerHandler();
        long? setAgainFor = null;
        handler.OnFire = async timer =>
        {
            // A recurring timer: firing sets the next one (a journey's next reminder, a tag's next midnight).
            if (setAgainFor is null)
            {
                setAgainFor = bed.Now + 3_600_000;
                await bed.Timers.ScheduleAsync("person-1", timer.Id, setAgainFor.Value);
            }
        };
        var member = await bed.StartMemberAsync(handler);
        await KafkaFixture.WaitUntil(() => member.AssignedPartitions.Count == KafkaFixture.Partitions, Eventually.Limit, "the member to own every partition");
        await bed.Timers.ScheduleAsync("person-1", "remind", bed.Now + 1_000);
        // Due next in the same partition: once it fired, the sweeper has finished with "remind".
        await bed.Timers.ScheduleAsync("person-1", "marker", bed.Now + 2_000);

        await bed.SweepUntil(() => handler.Fired.Any(t => t.Id == "marker"), "both timers to fire");

        Assert.Single(handler.Fired, t => t.Id == "remind");
        var due = await bed.Connection.GetDatabase().SortedSetScoreAsync(bed.Set.Key(bed.Set.PartitionOf("person-1")), "remind");
        Assert.Equal(setAgainFor, (long?)due);

        bed.Clock.Advance(TimeSpan.FromHours(1));
        await bed.SweepUntil(() => handler.Fired.Count(t => t.Id == "remind") == 2, "the timer set again to fire");
    }
}
