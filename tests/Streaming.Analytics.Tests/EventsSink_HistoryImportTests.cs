using static Streaming.Analytics.Tests.Events;

namespace Streaming.Analytics.Tests;

/// <summary>
/// One person's ten-year history in one batch spans 120 month partitions; ClickHouse refuses more
/// than 100 per insert block unless told otherwise (code 252), and the runtime then fell back to
/// inserting one event at a time (about one per second).
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class EventsSink_HistoryImportTests(ClickHouseFixture fixture)
{
    [Fact]
    public async Task EventsSink_stores_a_ten_year_history_of_one_person_in_whole_batches()
    {
        var db = await fixture.NewDatabaseAsync(eventsTtlDays: 7_300);
        var start = new DateTimeOffset(2015, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var history = Enumerable.Range(0, 10_000)
            // Spread so that every batch the sink gets (5,000 events) spans all 120 months.
            .Select(i => Track("t", 42, i % 10 == 0 ? "Order" : "View", start.AddHours(i * 7_919 % 10_000 * 87_660.0 / 10_000)))
            .ToList();

        await db.StoreAsync(history).WaitAsync(TimeSpan.FromMinutes(5));

        Assert.Equal(10_000, await db.ScalarAsync($"SELECT count() FROM {db.Name}.events"));
        Assert.True(await db.ScalarAsync($"SELECT uniqExact(toYYYYMM(timestamp)) FROM {db.Name}.events") > 100);
    }
}
