using System.Globalization;
using System.Net;

namespace Streaming.EndToEnd.Tests;

/// <summary>
/// One naming rule in every store: a page call with a category is "&lt;category&gt; &lt;name&gt;" and a screen
/// call its name, in the live profile (so in tag conditions), in ClickHouse (funnels) and in the tag
/// language compiled to SQL (audiences): the same name written once matches everywhere.
/// </summary>
public sealed class WholeSystem_EventNamesTests
{
    private static readonly TimeSpan Limit = Eventually.Limit;

    [Fact]
    public async Task Same_page_and_screen_names_match_in_a_tag_condition_an_audience_and_a_funnel()
    {
        await using var system = await RunningSystem.StartAsync("names");
        var visitor = "anon-" + Guid.NewGuid().ToString("N");
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-10);
        string At(int minutes) => t0.AddMinutes(minutes).ToString("O", CultureInfo.InvariantCulture);
        const string Condition = """
            {"all": [{"metric": {"fn": "count", "event": {"name": "Docs Home", "type": "page"}}, "op": "gte", "value": 1},
                     {"metric": {"fn": "count", "event": {"name": "Checkout"}}, "op": "gte", "value": 1}]}
            """;
        await system.SendAdminAsync(HttpMethod.Put, "/api/definitions/tags/docs-then-checkout", $$"""{"name": "Docs, then checkout", "condition": {{Condition}}}""");

        // A server SDK sends the category at the top level; a mobile SDK sends the screen's name.
        await Accepted(system, "v1/page", $$"""{"anonymousId": "{{visitor}}", "category": "Docs", "name": "Home", "messageId": "{{visitor}}-1", "timestamp": "{{At(0)}}"}""");
        await Accepted(system, "v1/screen", $$"""{"anonymousId": "{{visitor}}", "name": "Checkout", "messageId": "{{visitor}}-2", "timestamp": "{{At(1)}}"}""");

        var profile = await Eventually.Async("the profile holds the tag", async () =>
        {
            var p = await system.GetAsync($"/api/profiles/lookup?type=anonymousId&value={visitor}");
            return p is not null && p["tags"]!.AsArray().Any(t => (string?)t!["id"] == "docs-then-checkout") ? p : null;
        }, Limit);
        Assert.NotNull(profile["metrics"]!["events"]!["Docs Home"]);
        Assert.NotNull(profile["metrics"]!["events"]!["Checkout"]);

        var funnel = await Eventually.Async("ClickHouse holds both views", async () =>
        {
            var f = await system.PostAdminAsync("/api/analytics/funnel", $$"""
                {"steps": [{"event": "Docs Home"}, {"event": "Checkout"}], "windowSeconds": 3600, "from": "{{At(-60)}}", "to": "{{At(60)}}"}
                """);
            return f["steps"]!.AsArray().Select(s => s!["persons"]!.GetValue<long>()).SequenceEqual([1L, 1L]) ? f : null;
        }, Limit);
        Assert.Equal(1, funnel["steps"]![1]!["persons"]!.GetValue<long>());
        // The persons filter over HTTP: the anonymous visitor is no identified member.
        var members = await system.PostAdminAsync("/api/analytics/funnel", $$$"""
            {"steps": [{"event": "Docs Home"}, {"event": "Checkout"}], "windowSeconds": 3600, "from": "{{{At(-60)}}}", "to": "{{{At(60)}}}",
             "persons": {"metric": {"fn": "count", "event": {"where": [{"path": "$userId", "op": "exists"}]}}, "op": "gte", "value": 1}}
            """);
        Assert.Equal(0, members["steps"]![0]!["persons"]!.GetValue<long>());
        var audience = await system.PostAdminAsync("/api/analytics/audiences/count", $$"""{"tagCondition": {{Condition}}}""");
        Assert.Equal(1, audience["count"]!.GetValue<long>());
    }

    private static async Task Accepted(RunningSystem system, string path, string json)
    {
        using var response = await system.SendAsync(path, json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
    }
}
