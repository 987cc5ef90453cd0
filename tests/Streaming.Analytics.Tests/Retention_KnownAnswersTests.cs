using Streaming.Analytics.Queries;
using static Streaming.Analytics.Tests.Events;

namespace Streaming.Analytics.Tests;

[Collection(ClickHouseCollection.Name)]
public sealed class Retention_KnownAnswersTests(ClickHouseFixture fixture)
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
    public async Task Retention_counts_absorbed_persons_history_for_their_survivors_when_persons_merged()
    {
        var db = await fixture.NewDatabaseAsync();
        const string t = "t";
        // 10 ordered in Jan, 11 (later merged into 10) in Mar; 20 in Jan, 21 and 22 (merged into 20) in Feb.
        await db.StoreAsync(
        [
            Track(t, 10, "Order", Day(1, 5)), Track(t, 11, "Order", Day(3, 5)),
            Track(t, 20, "Order", Day(1, 6)), Track(t, 21, "Order", Day(2, 6)), Track(t, 22, "Order", Day(2, 7)),
        ]);
        var request = new RetentionRequest(Day(1, 1, 0), Day(4, 1, 0), "Order", "Order", "month", 2);
        var before = await db.Queries().RetentionAsync(t, request, default);

        var offset = 0;
        Contracts.Records.IdentityMerge Merge(long survivor, long absorbed) => new()
        {
            MergeId = $"m{absorbed}", Tenant = t, Outcome = Contracts.Records.MergeOutcome.Merged, SurvivorPersonId = survivor, AbsorbedPersonId = absorbed,
            CauseMessageId = $"c{absorbed}", IdentifierType = "userId", IdentifierValue = $"u{survivor}", At = Day(3, 10).ToUnixTimeMilliseconds(),
        };
        await db.MergesSink().HandleAsync(
            [.. new[] { Merge(10, 11), Merge(20, 21), Merge(20, 22) }.Select(m => new ServiceDefaults.Consumers.InboundMessage<Contracts.Records.IdentityMerge>("identity.merges", 0, offset++, "k", m, DateTimeOffset.UtcNow, []))],
            default);
        var after = await db.Queries().RetentionAsync(t, request, default);

        Assert.Equal([(new DateTime(2024, 1, 1), 2L), (new DateTime(2024, 2, 1), 2L), (new DateTime(2024, 3, 1), 1L)], before.Cohorts.Select(c => (c.Cohort, c.Persons)));
        var january = Assert.Single(after.Cohorts);
        Assert.Equal(2, january.Persons);
        Assert.Equal([2L, 1L, 1L], january.Returned);
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
