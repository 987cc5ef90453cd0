using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Consumers;
using static Streaming.Analytics.Tests.Events;

namespace Streaming.Analytics.Tests;

[Collection(ClickHouseCollection.Name)]
public sealed class TagConditions_ApiTests(ClickHouseFixture fixture)
{
    [Fact]
    public async Task Audiences_api_counts_and_exports_a_tag_language_condition_as_of_a_given_time_and_names_the_faulty_path()
    {
        var db = await fixture.NewDatabaseAsync();
        const string t = "shop";
        var asOf = Day(3, 10);
        // Person 1: 3 orders in the last 7 days; person 2: 3 orders but one outside the window; person 3: 1 order, gold plan named with a quote.
        await db.StoreAsync(
        [
            Track(t, 1, "Order Completed", asOf.AddDays(-1), """{"revenue": 10}"""), Track(t, 1, "Order Completed", asOf.AddDays(-2), """{"revenue": 20}"""), Track(t, 1, "Order Completed", asOf.AddDays(-6), """{"revenue": 30}"""),
            Track(t, 2, "Order Completed", asOf.AddDays(-1)), Track(t, 2, "Order Completed", asOf.AddDays(-2)), Track(t, 2, "Order Completed", asOf.AddDays(-8)),
            Track(t, 3, "Order Completed", asOf.AddDays(-1), """{"revenue": 500}"""),
            Track(t, 1, "Order Completed", asOf.AddDays(1)),
        ]);
        await db.ProfileChangesSink().HandleAsync([Trait(t, 3, "plan", "\"gold' OR 1=1 --\""), Trait(t, 2, "plan", "\"silver\"")], default);
        await using var app = await AnalyticsApiHost.StartAsync(db);
        using var http = AnalyticsApiHost.Client(app, "shop");

        var weekly = await http.PostAsJsonAsync("/api/analytics/audiences/count", Body("""
            {"tagCondition": {"timeZone": "UTC", "condition": {"any": [
                {"metric": {"fn": "count", "event": {"name": "Order Completed"}, "window": "7d"}, "op": "gte", "value": 3},
                {"trait": "plan", "op": "eq", "value": "gold' OR 1=1 --"}]}},
             "asOf": "2024-03-10T12:00:00Z"}
            """));
        var export = await http.PostAsJsonAsync("/api/analytics/audiences/export", Body("""
            {"tagCondition": {"all": [{"metric": {"fn": "sum", "event": {"name": "Order Completed"}, "property": "revenue"}, "op": "gt", "value": 50},
                                      {"not": {"trait": "plan", "op": "exists"}}]},
             "asOf": "2024-03-10T12:00:00Z"}
            """));
        var invalid = await http.PostAsJsonAsync("/api/analytics/audiences/count", Body("""{"tagCondition": {"all": [{"metric": {"fn": "count", "window": "120d"}, "op": "gte", "value": 1}]}}"""));
        var unsupported = await http.PostAsJsonAsync("/api/analytics/audiences/count", Body("""{"tagCondition": {"all": [{"metric": {"fn": "last", "property": "$channel"}, "op": "eq", "value": "app"}]}}"""));
        var both = await http.PostAsJsonAsync("/api/analytics/audiences/count", Body("""{"condition": {"tag": "vip"}, "tagCondition": {"all": []}}"""));
        var legacy = await http.PostAsJsonAsync("/api/analytics/audiences/count", Body("""{"condition": {"event": "Order Completed", "atLeast": 3}}"""));

        Assert.Equal(HttpStatusCode.OK, weekly.StatusCode);
        var counted = await weekly.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, counted.GetProperty("count").GetInt64());
        Assert.Equal([1L, 3L], counted.GetProperty("sample").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal("person_id,user_id\n1,u1\n", (await export.Content.ReadAsStringAsync()).ReplaceLineEndings("\n"));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("tagCondition.all[0].metric.window", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unsupported.StatusCode);
        Assert.Contains("tagCondition.all[0].metric.property", await unsupported.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        Assert.Equal(HttpStatusCode.OK, legacy.StatusCode);
    }

    [Fact]
    public async Task Audiences_api_counts_an_absorbed_persons_events_for_the_survivor_when_persons_merged()
    {
        var db = await fixture.NewDatabaseAsync();
        const string t = "shop";
        var asOf = Day(3, 10);
        await db.StoreAsync(
        [
            Track(t, 1, "Order Completed", asOf.AddDays(-1)), Track(t, 1, "Order Completed", asOf.AddDays(-2)),
            Track(t, 2, "Order Completed", asOf.AddDays(-3)), Track(t, 2, "Order Completed", asOf.AddDays(-4)),
        ]);
        await using var app = await AnalyticsApiHost.StartAsync(db);
        using var http = AnalyticsApiHost.Client(app, "shop");
        var condition = Body("""
            {"tagCondition": {"metric": {"fn": "count", "event": {"name": "Order Completed"}, "window": "7d"}, "op": "gte", "value": 3},
             "sample": 10, "asOf": "2024-03-10T12:00:00Z"}
            """);

        var before = await (await http.PostAsJsonAsync("/api/analytics/audiences/count", condition)).Content.ReadFromJsonAsync<JsonElement>();
        await db.MergesSink().HandleAsync(
        [
            new("identity.merges", 0, 0, "shop:1", new IdentityMerge
            {
                MergeId = "m2", Tenant = t, Outcome = MergeOutcome.Merged, SurvivorPersonId = 1, AbsorbedPersonId = 2,
                CauseMessageId = "c2", IdentifierType = "userId", IdentifierValue = "u1", At = Day(3, 9).ToUnixTimeMilliseconds(),
            }, DateTimeOffset.UtcNow, []),
        ], default);
        var after = await (await http.PostAsJsonAsync("/api/analytics/audiences/count", condition)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(0, before.GetProperty("count").GetInt64());
        Assert.Equal(1, after.GetProperty("count").GetInt64());
        Assert.Equal([1L], after.GetProperty("sample").EnumerateArray().Select(e => e.GetInt64()));
    }

    private static int _offset;

    private static InboundMessage<ProfileChange> Trait(string tenant, long person, string trait, string value) =>
        new("profiles.changes", 0, Interlocked.Increment(ref _offset), $"{tenant}:{person}", new ProfileChange
        {
            ChangeId = Guid.NewGuid().ToString(), Tenant = tenant, PersonId = person, Kind = ProfileChangeKind.TraitChanged, Trait = trait, NewValue = value,
            At = Day(1, 1).ToUnixTimeMilliseconds(),
        }, DateTimeOffset.UtcNow, []);

    private static JsonElement Body(string json) => JsonDocument.Parse(json).RootElement;
}
