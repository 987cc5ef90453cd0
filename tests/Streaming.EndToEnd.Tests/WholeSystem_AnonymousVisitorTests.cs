using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using ClickHouse.Driver.ADO;

namespace Streaming.EndToEnd.Tests;

/// <summary>
/// A visitor browses anonymously, the shop's server records the sign-up by userId, then the browser
/// identifies: gateway → identity → profiles → analytics on the real standalone host must end with
/// ONE person everywhere (identity API, profile API with traits and a tag, ClickHouse history).
/// </summary>
public sealed class WholeSystem_AnonymousVisitorTests
{
    private static readonly TimeSpan Limit = Eventually.Limit;

    [Fact]
    public async Task Anonymous_visitor_who_identifies_is_one_person_in_identity_profiles_and_analytics()
    {
        await using var system = await RunningSystem.StartAsync("visitor");
        var anonymousId = "anon-" + Guid.NewGuid().ToString("N");
        var userId = "user-" + Guid.NewGuid().ToString("N")[..12];
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-10);
        string At(int minutes) => t0.AddMinutes(minutes).ToString("O", CultureInfo.InvariantCulture);

        // A marketer defines the tag first: pro-plan people who viewed at least two products.
        await system.SendAdminAsync(HttpMethod.Put, "/api/definitions/tags/engaged-pro", """
            {"name": "Engaged pro", "condition": {"all": [
              {"trait": "plan", "op": "eq", "value": "pro"},
              {"metric": {"fn": "count", "event": {"name": "Product Viewed"}, "window": "30d"}, "op": "gte", "value": 2}]}}
            """);

        // Browser, not logged in.
        await Accepted(system, "v1/page", $$"""{"anonymousId": "{{anonymousId}}", "name": "Home", "messageId": "{{anonymousId}}-1", "timestamp": "{{At(0)}}"}""");
        await Accepted(system, "v1/track", $$"""{"anonymousId": "{{anonymousId}}", "event": "Product Viewed", "properties": {"sku": "A-1"}, "messageId": "{{anonymousId}}-2", "timestamp": "{{At(1)}}"}""");
        await Accepted(system, "v1/track", $$"""{"anonymousId": "{{anonymousId}}", "event": "Product Viewed", "properties": {"sku": "B-2"}, "messageId": "{{anonymousId}}-3", "timestamp": "{{At(2)}}"}""");
        var visitor = await PersonOf(system, "anonymousId", anonymousId);

        // Server side: the sign-up knows only the userId, so at first it is somebody else.
        await Accepted(system, "v1/track", $$"""{"userId": "{{userId}}", "event": "Signed Up", "messageId": "{{userId}}-1", "timestamp": "{{At(3)}}"}""");
        var member = await PersonOf(system, "userId", userId);
        Assert.NotEqual(visitor, member);

        // The browser identifies (both ids in one call), then buys.
        await Accepted(system, "v1/identify", $$"""{"anonymousId": "{{anonymousId}}", "userId": "{{userId}}", "traits": {"plan": "pro", "name": "Ada"}, "messageId": "{{userId}}-2", "timestamp": "{{At(4)}}"}""");
        await Accepted(system, "v1/track", $$"""{"userId": "{{userId}}", "event": "Order Completed", "properties": {"order_id": "o-1", "revenue": 42.5}, "messageId": "{{userId}}-3", "timestamp": "{{At(5)}}"}""");

        // Identity: both ids name the older person (the visitor); the absorbed id redirects to it.
        await Eventually.Async("the userId resolves to the anonymous visitor's person", async () =>
            await PersonIdOrNull(system, "userId", userId) == visitor ? "merged" : null, Limit);
        Assert.Equal(visitor, await PersonIdOrNull(system, "anonymousId", anonymousId));
        var absorbed = (await system.GetAsync($"/api/identity/persons/{member}"))!;
        Assert.Equal(visitor, absorbed["personId"]!.GetValue<long>());
        Assert.Equal(member, absorbed["requestedPersonId"]!.GetValue<long>());
        var types = absorbed["identifiers"]!.AsArray().Select(i => (string)i!["type"]! + ":" + (string)i["value"]!).ToList();
        Assert.Contains("userId:" + userId, types);
        Assert.Contains("anonymousId:" + anonymousId, types);

        // Profiles: one profile by either id, with the identify traits, the folded counts and the tag.
        // The merge (identity.merges) and the later events (events.identified) are separate topics, so
        // the order can be applied before the member's profile is folded in: wait for the fold too.
        var profile = await Eventually.Async("the profile holds the trait, the order, the tag and the member's folded events", async () =>
        {
            var p = await system.GetAsync($"/api/profiles/lookup?type=userId&value={userId}");
            return p is not null && p["personId"]!.GetValue<long>() == visitor && (string?)p["traits"]?["plan"] == "pro"
                && p["metrics"]!["orders"]!.GetValue<long>() == 1 && p["tags"]!.AsArray().Any(t => (string?)t!["id"] == "engaged-pro")
                && p["metrics"]!["events"]?["Signed Up"] is not null ? p : null;
        }, Limit);
        Assert.Equal("Ada", (string?)profile["traits"]!["name"]);
        Assert.Equal(2, profile["metrics"]!["events"]!["Product Viewed"]!["count"]!.GetValue<long>());
        Assert.Equal(1, profile["metrics"]!["events"]!["Signed Up"]!["count"]!.GetValue<long>());
        Assert.Equal("Engaged pro", (string?)profile["tags"]!.AsArray().Single(t => (string?)t!["id"] == "engaged-pro")!["name"]);
        var byDevice = (await system.GetAsync($"/api/profiles/lookup?type=anonymousId&value={anonymousId}"))!;
        Assert.Equal(visitor, byDevice["personId"]!.GetValue<long>());

        // Analytics: the whole history is one person, so the funnel across both ids converts.
        await Eventually.Async("ClickHouse holds the 6 events as one person", async () =>
        {
            var (events, persons) = await CountAsync(system.Host.ClickHouseConnectionString);
            return events == 6 && persons == 1 ? "one" : null;
        }, Limit);
        var funnel = await system.PostAdminAsync("/api/analytics/funnel", $$"""
            {"steps": [{"event": "Product Viewed"}, {"event": "Signed Up"}, {"event": "Order Completed"}],
             "windowSeconds": 3600, "from": "{{At(-60)}}", "to": "{{At(60)}}"}
            """);
        Assert.Equal([1L, 1L, 1L], funnel["steps"]!.AsArray().Select(s => s!["persons"]!.GetValue<long>()));
        var buyers = await system.PostAdminAsync("/api/analytics/trends", $$"""
            {"event": "Order Completed", "measure": "sum", "property": "revenue", "interval": "day", "from": "{{At(-60)}}", "to": "{{At(60)}}"}
            """);
        Assert.Equal(42.5, buyers["points"]!.AsArray().Sum(p => p!["value"]!.GetValue<double>()), 3);
    }

    private static async Task Accepted(RunningSystem system, string path, string json)
    {
        using var response = await system.SendAsync(path, json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
    }

    private static async Task<long> PersonOf(RunningSystem system, string type, string value)
    {
        var found = await Eventually.Async($"identity knows {type} {value}", async () => await system.GetAsync($"/api/identity/lookup?type={type}&value={value}"), Limit);
        return found["personId"]!.GetValue<long>();
    }

    private static async Task<long?> PersonIdOrNull(RunningSystem system, string type, string value) =>
        (await system.GetAsync($"/api/identity/lookup?type={type}&value={value}"))?["personId"]!.GetValue<long>();

    private static async Task<(long Events, long Persons)> CountAsync(string connectionString)
    {
        using var connection = new ClickHouseConnection(connectionString);
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(), uniqExact(person_id) FROM bi.events WHERE tenant = 'default'";
        using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
    }
}
