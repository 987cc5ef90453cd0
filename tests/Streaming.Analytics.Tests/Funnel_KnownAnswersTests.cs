using Streaming.Analytics.Queries;
using static Streaming.Analytics.Tests.Events;

namespace Streaming.Analytics.Tests;

[Collection(ClickHouseCollection.Name)]
public sealed class Funnel_KnownAnswersTests(ClickHouseFixture fixture)
{
    private static readonly FunnelStep[] Steps = [new("View"), new("Cart"), new("Order")];

    // Person: View -> Cart -> Order (seconds between steps); window 1 day.
    //   1: 600, 1200        -> 3 steps
    //   2: View, Order only -> 1 step (no cart)
    //   3: Cart 2 days late -> 1 step
    //   4: Cart only        -> not in the funnel
    //   5: 1200, 7200       -> 3 steps
    //   6: 60, 600          -> 3 steps
    private static List<Contracts.Records.IdentifiedEvent> Dataset(string t) =>
    [
        Track(t, 1, "View", Day(1, 1, 10)), Track(t, 1, "Cart", Day(1, 1, 10).AddSeconds(600)), Track(t, 1, "Order", Day(1, 1, 10).AddSeconds(1800), "{\"revenue\":100}"),
        Track(t, 2, "View", Day(1, 2, 10)), Track(t, 2, "Order", Day(1, 2, 11), "{\"revenue\":10}"),
        Track(t, 3, "View", Day(1, 3, 10)), Track(t, 3, "Cart", Day(1, 5, 10)),
        Track(t, 4, "Cart", Day(1, 4, 9)),
        Track(t, 5, "View", Day(1, 4, 10)), Track(t, 5, "Cart", Day(1, 4, 10).AddSeconds(1200)), Track(t, 5, "Order", Day(1, 4, 10).AddSeconds(8400), "{\"revenue\":20}"),
        Track(t, 6, "View", Day(1, 6, 10)), Track(t, 6, "Cart", Day(1, 6, 10).AddSeconds(60)), Track(t, 6, "Order", Day(1, 6, 10).AddSeconds(660), "{\"revenue\":80}"),
        Track("other", 9, "View", Day(1, 6, 10)),
    ];

    [Fact]
    public async Task Funnel_counts_persons_per_step_and_median_times_when_steps_are_in_order_within_the_window()
    {
        var db = await fixture.NewDatabaseAsync();
        await db.StoreAsync(Dataset("t"));

        var result = await db.Queries().FunnelAsync("t", new FunnelRequest(Steps, Day(1, 1, 0), Day(2, 1, 0), WindowSeconds: 86_400), default);

        Assert.Equal([5L, 3L, 3L], result.Steps.Select(s => s.Persons));
        Assert.Equal([1.0, 0.6, 1.0], result.Steps.Select(s => s.ConversionFromPrevious));
        Assert.Null(result.Steps[0].MedianSecondsFromPrevious);
        Assert.Equal(600, result.Steps[1].MedianSecondsFromPrevious);
        Assert.Equal(1200, result.Steps[2].MedianSecondsFromPrevious);
    }

    [Fact]
    public async Task Funnel_applies_property_filters_of_a_step_when_given()
    {
        var db = await fixture.NewDatabaseAsync();
        await db.StoreAsync(Dataset("t"));
        FunnelStep[] steps = [new("View"), new("Cart"), new("Order", [Json("""{"path": "revenue", "op": "gt", "value": 50}""")])];

        var result = await db.Queries().FunnelAsync("t", new FunnelRequest(steps, Day(1, 1, 0), Day(2, 1, 0)), default);

        Assert.Equal([5L, 3L, 2L], result.Steps.Select(s => s.Persons));
    }

    [Fact]
    public async Task Funnel_counts_history_of_an_absorbed_person_for_the_survivor_when_persons_merged()
    {
        var db = await fixture.NewDatabaseAsync();
        var t = "t";
        await db.StoreAsync([Track(t, 70, "View", Day(1, 1, 10)), Track(t, 80, "Cart", Day(1, 1, 11)), Track(t, 80, "Order", Day(1, 1, 12))]);
        var before = await db.Queries().FunnelAsync(t, new FunnelRequest(Steps, Day(1, 1, 0), Day(2, 1, 0)), default);

        await db.MergesSink().HandleAsync(
        [
            new("identity.merges", 0, 0, "t:70", new Contracts.Records.IdentityMerge
            {
                MergeId = "m1", Tenant = t, Outcome = Contracts.Records.MergeOutcome.Merged, SurvivorPersonId = 70, AbsorbedPersonId = 80,
                CauseMessageId = "c1", IdentifierType = "userId", IdentifierValue = "u70", At = Day(1, 2).ToUnixTimeMilliseconds(),
            }, DateTimeOffset.UtcNow, []),
        ], default);
        var after = await db.Queries().FunnelAsync(t, new FunnelRequest(Steps, Day(1, 1, 0), Day(2, 1, 0)), default);

        Assert.Equal([1L, 0L, 0L], before.Steps.Select(s => s.Persons));
        Assert.Equal([1L, 1L, 1L], after.Steps.Select(s => s.Persons));
        Assert.Equal(1, await db.ScalarAsync($"SELECT uniqExact(person_id) FROM {db.Session.BiDatabase}.events WHERE tenant = 't'"));
    }

    [Fact]
    public async Task Funnel_counts_an_event_for_every_step_it_matches_in_step_order_when_a_step_event_repeats()
    {
        var db = await fixture.NewDatabaseAsync();
        // Steps View -> Cart -> View -> Order: one View event matches steps 1 and 3 (split into two entries),
        // a Cart or an Order one step (entry taken directly). Entries of one second are taken in step order.
        //   1: one View                                                -> 1 step (step 3 needs a Cart before it)
        //   2: View, Cart +10 s, View +20 s, Order +30 s               -> 4 steps
        //   3: Cart at .900 and View at .100 of one second, Order +2 s -> 4 steps (View, Cart, View of that second)
        //   4: Cart, Order                                             -> not in the funnel
        var at = Day(1, 1, 10);
        await db.StoreAsync(
        [
            Track("t", 1, "View", at),
            Track("t", 2, "View", at), Track("t", 2, "Cart", at.AddSeconds(10)), Track("t", 2, "View", at.AddSeconds(20)), Track("t", 2, "Order", at.AddSeconds(30)),
            Track("t", 3, "Cart", at.AddMilliseconds(900)), Track("t", 3, "View", at.AddMilliseconds(100)), Track("t", 3, "Order", at.AddSeconds(2)),
            Track("t", 4, "Cart", at), Track("t", 4, "Order", at.AddSeconds(5)),
        ]);
        FunnelStep[] steps = [new("View"), new("Cart"), new("View"), new("Order")];

        var result = await db.Queries().FunnelAsync("t", new FunnelRequest(steps, Day(1, 1, 0), Day(2, 1, 0), WindowSeconds: 3_600), default);

        Assert.Equal([3L, 2L, 2L, 2L], result.Steps.Select(s => s.Persons));
        for (var level = 1; level <= steps.Length; level++)
        {
            Assert.Equal(await db.ScalarAsync($"""
                SELECT countIf(level >= {level}) FROM (
                  SELECT person_id, windowFunnel(3600)(toDateTime(timestamp), event = 'View', event = 'Cart', event = 'View', event = 'Order') AS level
                  FROM {db.Name}.events WHERE tenant = 't' GROUP BY person_id)
                """), result.Steps[level - 1].Persons);
        }
    }

    [Fact]
    public async Task Funnel_levels_equal_the_engines_windowFunnel_when_events_tie_repeat_and_touch_the_window_edge()
    {
        var db = await fixture.NewDatabaseAsync();
        const string t = "t";
        // 400 persons, 1..12 events each: times in the same second (different and equal milliseconds),
        // exactly at and just past the 1 hour window, and a step list that repeats an event name.
        var random = new Random(7);
        string[] names = ["View", "Cart", "Order", "Other"];
        var events = new List<Contracts.Records.IdentifiedEvent>();
        for (var person = 1; person <= 400; person++)
        {
            var at = Day(1, 1 + random.Next(20));
            for (var i = random.Next(1, 13); i > 0; i--)
            {
                at = at.AddMilliseconds(random.Next(4) switch { 0 => 0, 1 => random.Next(1, 999), 2 => 3_600_000, _ => random.Next(1_000, 4_000_000) });
                events.Add(Track(t, person, names[random.Next(names.Length)], at, $"{{\"revenue\":{random.Next(100)}}}"));
            }
        }
        await db.StoreAsync(events);
        FunnelStep[] steps = [new("View"), new("Cart"), new("View"), new("Order", [Json("""{"path": "revenue", "op": "gte", "value": 30}""")])];

        var result = await db.Queries().FunnelAsync(t, new FunnelRequest(steps, Day(1, 1, 0), Day(3, 1, 0), WindowSeconds: 3_600), default);

        for (var level = 1; level <= steps.Length; level++)
        {
            var expected = await db.ScalarAsync($"""
                SELECT countIf(level >= {level}) FROM (
                  SELECT person_id, windowFunnel(3600)(toDateTime(timestamp), event = 'View', event = 'Cart', event = 'View', event = 'Order' AND JSONExtractFloat(properties, 'revenue') >= 30) AS level
                  FROM {db.Name}.events WHERE tenant = 't' GROUP BY person_id)
                """);
            Assert.Equal(expected, result.Steps[level - 1].Persons);
        }
        Assert.True(result.Steps[^1].Persons > 0);
    }
}
