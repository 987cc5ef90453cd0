using System.Text.Json;
using Streaming.Analytics.Queries;
using static Streaming.Analytics.Tests.Events;

namespace Streaming.Analytics.Tests;

[Collection(ClickHouseCollection.Name)]
public sealed class Queries_ParameterInjectionTests(ClickHouseFixture fixture)
{
    private const string Hostile = "x' OR 1=1) --\n'; DROP TABLE events; --";

    [Fact]
    public async Task Queries_treat_sql_in_values_as_plain_data_when_a_caller_sends_it()
    {
        var db = await fixture.NewDatabaseAsync();
        await db.StoreAsync([Track("t", 1, "View", Day(1, 1)), Track("t", 1, "Order", Day(1, 2), "{\"category\":\"beauty\"}")]);
        var queries = db.Queries();

        var funnel = await queries.FunnelAsync("t", new FunnelRequest([new(Hostile), new("Order", [Json(JsonSerializer.Serialize(new { path = Hostile, op = "eq", value = Hostile }))])], Day(1, 1, 0), Day(2, 1, 0), Breakdown: Hostile), default);
        var trends = await queries.TrendsAsync(Hostile, new TrendsRequest("View", Day(1, 1, 0), Day(2, 1, 0)), default);
        var audience = await queries.AudienceAsync("t", Condition(JsonSerializer.Serialize(new { tag = Hostile })), 10, null, default);
        var general = await queries.AudienceAsync("t", Condition(JsonSerializer.Serialize(new { any = new object[] { new { tag = Hostile }, new { trait = Hostile, op = "eq", value = Hostile } } })), 10, null, default);
        var otherTenantCannotSee = await queries.TrendsAsync("t' OR tenant != '", new TrendsRequest("View", Day(1, 1, 0), Day(2, 1, 0)), default);

        Assert.All(funnel.Steps, s => Assert.Equal(0, s.Persons));
        Assert.Empty(trends);
        Assert.Equal(0, audience.Count);
        Assert.Equal(0, general.Count);
        Assert.Empty(otherTenantCannotSee);
        Assert.Equal(2, await db.ScalarAsync($"SELECT count() FROM {db.Name}.events"));
    }
}
