using Streaming.Analytics.Queries;
using static Streaming.Analytics.Tests.Events;

namespace Streaming.Analytics.Tests;

[Collection(ClickHouseCollection.Name)]
public sealed class Retention_KnownAnswers(ClickHouseFixture fixture)
{
    [Fact]
    public async Task Retention_counts_returning_cohort_members_per_month_when_cohorts_are_by_first_order()
    {
        var db = await fixture.NewDatabaseAsync();
        const string t = "t";
        // a: Jan Feb Apr; b: Jan Mar; c: Feb Feb Mar; d: Jan; e: a page view only (no order: in no cohort)
        await db.StoreAsync(
        [
            Track(t, 1, "Order", Day(1, 5)), Track(t, 1, "Order", Day(2, 5)), Track(t, 1, "Order", Day(4, 5)),
            Track(t, 2, "Order", Day(1, 20)), Track(t, 2, "Order", Day(3, 1)),
            Track(t, 3, "Order", Day(2, 2)), Track(t, 3, "Order", Day(2, 28)), Track(t, 3, "Order", Day(3, 31)),
            Track(t, 4, "Order", Day(1, 31)),
            Track(t, 5, "View", Day(1, 2)),
        ]);

        var result = await db.Queries().RetentionAsync(t, new RetentionRequest(Day(1, 1, 0), Day(5, 1, 0), "Order", "Order", "month", 3), default);

        Assert.Equal(2, result.Cohorts.Count);
        Assert.Equal(new DateTime(2024, 1, 1), result.Cohorts[0].Cohort);
        Assert.Equal(3, result.Cohorts[0].Persons);
        Assert.Equal([3L, 1L, 1L, 1L], result.Cohorts[0].Returned);
        Assert.Equal(new DateTime(2024, 2, 1), result.Cohorts[1].Cohort);
        Assert.Equal(1, result.Cohorts[1].Persons);
        Assert.Equal([1L, 1L, 0L, 0L], result.Cohorts[1].Returned);
    }

    [Fact]
    public async Task Paths_lists_the_most_frequent_sequences_after_an_event_when_cut_by_the_session_gap()
    {
        var db = await fixture.NewDatabaseAsync();
        const string t = "t";
        await db.StoreAsync(
        [
            Track(t, 1, "Home", Day(1, 1, 10)), Track(t, 1, "Search", Day(1, 1, 10).AddMinutes(1)), Track(t, 1, "Order", Day(1, 1, 10).AddMinutes(2)),
            Track(t, 2, "Home", Day(1, 1, 10)), Track(t, 2, "Search", Day(1, 1, 10).AddMinutes(5)), Track(t, 2, "Order", Day(1, 1, 10).AddMinutes(9)),
            // the order comes after a 2 hour pause: a new session, not part of the path
            Track(t, 3, "Home", Day(1, 1, 10)), Track(t, 3, "Search", Day(1, 1, 10).AddMinutes(1)), Track(t, 3, "Order", Day(1, 1, 12)),
        ]);

        var paths = await db.Queries().PathsAsync(t, new PathsRequest("Home", Day(1, 1, 0), Day(2, 1, 0), Steps: 4, SessionGapSeconds: 1800), default);

        Assert.Equal(2, paths.Count);
        Assert.Equal(["Home", "Search", "Order"], paths[0].Path);
        Assert.Equal(2, paths[0].Persons);
        Assert.Equal(["Home", "Search"], paths[1].Path);
        Assert.Equal(1, paths[1].Persons);
    }
}
