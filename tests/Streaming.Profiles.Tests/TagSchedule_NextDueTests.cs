using Streaming.Profiles.Model;
using Streaming.Profiles.Pipeline;
using Streaming.Profiles.Tags;
using Streaming.Profiles.Timers;

namespace Streaming.Profiles.Tests;

public sealed class TagSchedule_NextDueTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
    private const long Day = 86_400_000;

    private static long? NextDue(string definition)
    {
        var tags = TagCatalog.Compile("t", [("x", 1L, definition)]);
        var state = new ProfileState();
        var at = Noon.ToUnixTimeMilliseconds();
        ProfilePipeline.Run(state, 1, ProfilesFixture.Event("t", 1, "Order Completed", at - 2 * 3_600_000, """{"revenue": 5}"""), "p/0/1", tags, at);
        return TagSchedule.NextDue(state, tags, at);
    }

    [Fact]
    public void Next_due_is_the_instant_a_time_based_condition_can_flip()
    {
        var now = Noon.ToUnixTimeMilliseconds();
        var lastEvent = now - 2 * 3_600_000;
        Assert.Equal(lastEvent + Day, NextDue("""{"name":"x","condition":{"metric":{"fn":"daysSince"},"op":"gte","value":7}}"""));
        Assert.Equal(lastEvent + 3 * 3_600_000, NextDue("""{"name":"x","condition":{"metric":{"fn":"hoursSince"},"op":"gte","value":1}}"""));
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(),
            NextDue("""{"name":"x","condition":{"metric":{"fn":"count","event":{"name":"Order Completed"},"window":"30d"},"op":"gte","value":2}}"""));
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.FromHours(8)).ToUnixTimeMilliseconds(),
            NextDue("""{"name":"x","timeZone":"Asia/Shanghai","condition":{"metric":{"fn":"count","window":"7d"},"op":"gte","value":2}}"""));
        Assert.Equal(lastEvent + 7 * Day + 1, NextDue("""{"name":"x","condition":{"metric":{"fn":"first"},"op":"gte","value":{"ago":"7d"}}}"""));
        Assert.Null(NextDue("""{"name":"x","condition":{"metric":{"fn":"count"},"op":"gte","value":2}}"""));
    }
}
