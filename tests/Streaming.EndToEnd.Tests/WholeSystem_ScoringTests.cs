using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Streaming.Scoring.Tests;

namespace Streaming.EndToEnd.Tests;

/// <summary>
/// Churn scoring on the standalone host: with a published model and a tag rule on <c>churn_score</c>,
/// a profile change of a customer who stopped ordering leads to a published score, which the profile
/// holds as a trait and the tag rule reads. How fast is measured by the bench (<c>scoring</c>:
/// score_latency_p50_ms/p99_ms), not asserted here.
/// </summary>
public sealed class WholeSystem_ScoringTests
{
    [Fact]
    public async Task Profile_change_leads_to_a_published_churn_score_that_a_tag_rule_reads()
    {
        await using var system = await RunningSystem.StartAsync("scoring");
        var run = Guid.NewGuid().ToString("N")[..10];
        var userId = "customer-" + run;
        await system.SendAdminAsync(HttpMethod.Put, "/api/definitions/tags/at-risk", """{"name": "At risk", "condition": {"trait": "churn_score", "op": "gte", "value": 75}}""");
        await system.SendAdminAsync(HttpMethod.Put, "/api/scoring/models/churn-e2e", TestModels.Trained(longWaitMeansChurn: true).ToJson());
        await Eventually.Async("the model to be active", async () =>
            (await system.GetAsync("/api/scoring/models"))?.AsArray().FirstOrDefault(m => m!["active"]!.GetValue<bool>()));

        // Three orders, the last 100 days ago, then a trait change: a profile change of a lapsed customer.
        var now = DateTimeOffset.UtcNow;
        foreach (var days in new[] { 160, 130, 100 })
        {
            var at = now.AddDays(-days).ToString("O", CultureInfo.InvariantCulture);
            await Accepted(system, "v1/track", $$"""{"userId": "{{userId}}", "event": "Order Completed", "properties": {"revenue": 40}, "messageId": "{{run}}-order-{{days}}", "timestamp": "{{at}}"}""");
        }
        await Accepted(system, "v1/identify", $$"""{"userId": "{{userId}}", "traits": {"name": "Ada"}, "messageId": "{{run}}-identify", "timestamp": "{{now.ToString("O", CultureInfo.InvariantCulture)}}"}""");

        // Score and band are two changes, applied one after the other: wait for both and the tag.
        var profile = await Eventually.Async("the churn score and band on the profile and the at-risk tag", async () =>
        {
            var found = await system.GetAsync($"/api/profiles/lookup?type=userId&value={userId}");
            return found?["traits"]?["churn_score"] is not null && found["traits"]?["churn_band"] is not null
                && found["tags"]!.AsArray().Any(t => (string?)t!["id"] == "at-risk") ? found : null;
        });
        Assert.InRange(profile["traits"]!["churn_score"]!.GetValue<int>(), 75, 100);
        Assert.Equal("high", (string?)profile["traits"]!["churn_band"]);
        var person = profile["personId"]!.GetValue<long>();
        var score = (await system.GetAsync($"/api/scoring/persons/{person}"))!;
        Assert.Equal("churn-e2e", (string?)score["model"]);
        Assert.Equal(profile["traits"]!["churn_score"]!.GetValue<int>(), score["score"]!.GetValue<int>());
        Assert.Contains(score["reasons"]!.AsArray(), r => ((string)r!).StartsWith("no order for 100 days", StringComparison.Ordinal));
    }

    private static async Task Accepted(RunningSystem system, string path, string json)
    {
        using var response = await system.SendAsync(path, json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
    }
}
