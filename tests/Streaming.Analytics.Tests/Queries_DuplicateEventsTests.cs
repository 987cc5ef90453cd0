using Streaming.Analytics.Queries;
using static Streaming.Analytics.Tests.Events;

namespace Streaming.Analytics.Tests;

/// <summary>
/// Identity re-emits a redelivered event at a new offset; the sink stores it again (its offset is
/// new). The API must count it once, as bi.events does.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class Queries_DuplicateEventsTests(ClickHouseFixture fixture)
{
    [Fact]
    public async Task Queries_count_an_event_once_when_it_was_stored_again_at_a_new_offset()
    {
        var db = await fixture.NewDatabaseAsync();
        var view = Track("t", 1, "View", Day(1, 1, 10));
        var order = Track("t", 1, "Order", Day(1, 1, 11), """{"revenue": 10}""");
        await db.StoreAsync([view, order], firstOffset: 0);
        await db.StoreAsync([order], firstOffset: 2);
        var queries = db.Queries();
        var (from, to) = (Day(1, 1, 0), Day(2, 1, 0));

        var orders = await queries.TrendsAsync("t", new TrendsRequest("Order", from, to), default);
        var revenue = await queries.TrendsAsync("t", new TrendsRequest("Order", from, to, "sum", "revenue"), default);
        var funnel = await queries.FunnelAsync("t", new FunnelRequest([new FunnelStep("View"), new FunnelStep("Order")], from, to), default);

        Assert.Equal(1, await db.ScalarAsync($"SELECT count() FROM bi_{db.Name[2..]}.events WHERE event = 'Order'"));
        Assert.Equal(1, orders.Sum(p => p.Value));
        Assert.Equal(10, revenue.Sum(p => p.Value));
        Assert.Equal(1, funnel.Steps[1].Persons);
    }

    /// <summary>
    /// Queries read FINAL one month partition at a time, and a month already merged into one part is read
    /// without merging (ClickHouseSession): a copy stored after that merge, in a new part of its month, still counts once.
    /// </summary>
    [Fact]
    public async Task Queries_count_an_event_once_when_its_copy_lands_after_its_month_was_merged_into_one_part()
    {
        var db = await fixture.NewDatabaseAsync();
        var january = Track("t", 1, "Order", Day(1, 10), """{"revenue": 10}""");
        var february = Track("t", 2, "Order", Day(2, 10), """{"revenue": 20}""");
        await db.StoreAsync([january, february], firstOffset: 0);
        await db.StoreAsync([january], firstOffset: 2);
        await db.ScalarAsync($"OPTIMIZE TABLE {db.Name}.events FINAL");
        Assert.Equal(1, await db.ScalarAsync($"SELECT count() FROM {db.Name}.events WHERE message_id = '{january.Event.MessageId}'"));
        await db.StoreAsync([february, january], firstOffset: 3);
        var (from, to) = (Day(1, 1, 0), Day(3, 1, 0));

        var orders = await db.Queries().TrendsAsync("t", new TrendsRequest("Order", from, to, "sum", "revenue"), default);

        Assert.Equal(2, await db.ScalarAsync($"SELECT count() FROM {db.Name}.events WHERE message_id = '{january.Event.MessageId}'"));
        Assert.Equal(30, orders.Sum(p => p.Value));
    }
}
