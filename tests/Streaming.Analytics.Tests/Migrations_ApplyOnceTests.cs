namespace Streaming.Analytics.Tests;

[Collection(ClickHouseCollection.Name)]
public sealed class Migrations_ApplyOnceTests(ClickHouseFixture fixture)
{
    [Fact]
    public async Task Migrator_creates_tables_and_bi_views_once_when_run_twice()
    {
        var db = await fixture.NewDatabaseAsync();

        var second = await db.Migrator.MigrateAsync();

        Assert.Empty(second);
        Assert.Equal(Schema.Migrator.All.Count, await db.ScalarAsync($"SELECT count() FROM {db.Name}.schema_migrations FINAL"));
        foreach (var table in new[] { "events", "person_overrides", "person_identifiers", "person_traits", "tag_changes", "tags_current", "messages", "journey_events" })
            Assert.Equal(1, await db.ScalarAsync($"SELECT count() FROM system.tables WHERE database = '{db.Name}' AND name = '{table}'"));
        foreach (var view in new[] { "events", "persons", "daily_metrics" })
            Assert.Equal(1, await db.ScalarAsync($"SELECT count() FROM system.tables WHERE database = '{db.Session.BiDatabase}' AND name = '{view}'"));
    }
}
