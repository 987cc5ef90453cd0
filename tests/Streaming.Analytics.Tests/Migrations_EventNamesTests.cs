using Streaming.Analytics.Schema;
using Streaming.Contracts.Records;
using static Streaming.Analytics.Tests.Events;

namespace Streaming.Analytics.Tests;

/// <summary>
/// Migration 0003 renames page/screen rows stored under the old rule ("page:Home") to the one rule of
/// every store (<see cref="EventNames"/>), keeps every row once, and changes nothing when run again.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class Migrations_EventNamesTests(ClickHouseFixture fixture)
{
    [Fact]
    public async Task Migration_renames_old_page_and_screen_rows_to_the_one_naming_rule_when_run_once_or_twice()
    {
        var db = await fixture.NewDatabaseAsync();
        // Rows as the sink stored them before the rule: type prefix, category ignored.
        await db.StoreAsync(
        [
            Track("t", 1, "Order Completed", Day(1, 2)),
            Track("t", 1, "x", Day(1, 3)),
            Track("t", 2, "x", Day(1, 4), """{"category": "Docs"}"""),
            Track("t", 2, "x", Day(1, 5)),
            Track("t", 3, "x", Day(1, 6), """{"category": "Shop"}"""),
        ]);
        await ExecuteAsync(db, $"""
            ALTER TABLE {db.Name}.events UPDATE type = multiIf(person_id = 1, 'page', person_id = 2 AND JSONHas(properties, 'category'), 'page', 'screen')
            WHERE event = 'x' SETTINGS mutations_sync = 2
            """);
        await ExecuteAsync(db, $"""
            INSERT INTO {db.Name}.events (tenant, event, type, message_id, person_id, anonymous_id, user_id, source, timestamp, received_at, context, properties, traits, kafka_partition, kafka_offset)
            SELECT tenant, multiIf(person_id = 1, 'page:Home', person_id = 2 AND type = 'page', 'page:Home', person_id = 2, 'screen:Checkout', type),
                   type, message_id, person_id, anonymous_id, user_id, source, timestamp, received_at, context, properties, traits, kafka_partition, kafka_offset
            FROM {db.Name}.events WHERE event = 'x'
            """);
        await ExecuteAsync(db, $"ALTER TABLE {db.Name}.events DELETE WHERE event = 'x' SETTINGS mutations_sync = 2");
        var migration = Migrator.All.Single(m => m.Version == 3);

        for (var run = 0; run < 2; run++)
        {
            foreach (var statement in Migrator.Statements(Migrator.Render(migration.Sql, db.Session.Options)))
                await ExecuteAsync(db, statement);

            Assert.Equal(5, await db.ScalarAsync($"SELECT count() FROM {db.Name}.events FINAL"));
            Assert.Equal(5, await db.ScalarAsync($"SELECT uniqExact(kafka_partition, kafka_offset) FROM {db.Name}.events FINAL"));
            Assert.Equal(1, await db.ScalarAsync($"SELECT count() FROM {db.Name}.events FINAL WHERE person_id = 1 AND type = 'page' AND event = 'Home'"));
            Assert.Equal(1, await db.ScalarAsync($"SELECT count() FROM {db.Name}.events FINAL WHERE person_id = 2 AND type = 'page' AND event = 'Docs Home'"));
            Assert.Equal(1, await db.ScalarAsync($"SELECT count() FROM {db.Name}.events FINAL WHERE person_id = 2 AND type = 'screen' AND event = 'Checkout'"));
            Assert.Equal(1, await db.ScalarAsync($"SELECT count() FROM {db.Name}.events FINAL WHERE person_id = 3 AND type = 'screen' AND event = 'Shop'"));
            Assert.Equal(1, await db.ScalarAsync($"SELECT count() FROM {db.Name}.events FINAL WHERE event = 'Order Completed'"));
            Assert.Equal(0, await db.ScalarAsync($"SELECT count() FROM {db.Name}.events WHERE event LIKE 'page:%' OR event LIKE 'screen:%'"));
        }
    }

    private static async Task ExecuteAsync(AnalyticsDatabase db, string sql)
    {
        using var connection = db.Session.Connect();
        using var command = connection.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
