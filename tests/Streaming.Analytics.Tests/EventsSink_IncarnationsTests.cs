using static Streaming.Analytics.Tests.Events;

namespace Streaming.Analytics.Tests;

/// <summary>A topic created again starts at offset 0: the stored offsets of its earlier incarnation must not hide new events.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class EventsSink_IncarnationsTests(ClickHouseFixture fixture)
{
    [Fact]
    public async Task EventsSink_stores_new_events_when_the_topic_was_created_again()
    {
        var db = await fixture.NewDatabaseAsync();
        await db.StoreAsync([.. Enumerable.Range(0, 10).Select(i => Track("t", i, "View", Day(1, 1).AddMinutes(i)))], incarnation: "first");

        // The same offsets 0..4 again, new events, a new incarnation (and a fresh sink: a restart).
        await db.StoreAsync([.. Enumerable.Range(0, 5).Select(i => Track("t", i, "Order", Day(1, 2).AddMinutes(i)))], incarnation: "second");

        Assert.Equal(15, await db.ScalarAsync($"SELECT count() FROM {db.Name}.events"));
        Assert.Equal(5, await db.ScalarAsync($"SELECT count() FROM {db.Name}.events WHERE event = 'Order'"));
    }

    [Fact]
    public async Task EventsSink_leaves_out_replayed_offsets_of_the_same_incarnation()
    {
        var db = await fixture.NewDatabaseAsync();
        var events = Enumerable.Range(0, 10).Select(i => Track("t", i, "View", Day(1, 1).AddMinutes(i))).ToList();
        await db.StoreAsync(events, incarnation: "same");
        await db.StoreAsync(events, incarnation: "same");

        Assert.Equal(10, await db.ScalarAsync($"SELECT count() FROM {db.Name}.events"));
    }
}
