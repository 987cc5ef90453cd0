using System.Net;
using System.Text;

namespace Streaming.Analytics.Tests;

/// <summary>Each request that used to answer 500 answers 400 naming the part at fault.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class AnalyticsApi_BadInputTests(ClickHouseFixture fixture)
{
    private const string Range = "\"from\": \"2024-01-01T00:00:00Z\", \"to\": \"2024-02-01T00:00:00Z\"";

    /// <summary>Endpoint, body (RANGE, BIG = 100 KB, TAGS = 2,000 tags, EVENTS = 300 events are filled in), the part the answer names.</summary>
    public static TheoryData<string, string, string> BadRequests()
    {
        return new()
        {
            { "trends", """{"event": "View", RANGE, "filters": [{"property": "p", "op": "eq", "value": "BIG"}]}""", "filters[0].value" },
            { "trends", """{"event": "BIG", RANGE}""", "event is" },
            { "trends", """{"event": "View", RANGE, "filters": [null]}""", "filters[0] is null" },
            { "trends", """{"event": "View", RANGE, "filters": 5}""", "$.filters" },
            { "trends", """{"event": "View", "from": "yesterday", "to": "2024-02-01T00:00:00Z"}""", "$.from" },
            { "funnel", """{"steps": [null, {"event": "Order"}], RANGE}""", "steps[0] is null" },
            { "funnel", """{"steps": [{"event": "View", "filters": [null]}, {"event": "Order"}], RANGE}""", "steps[0].filters[0] is null" },
            { "funnel", """{"steps": [{"event": "View", "filters": [{"property": "p", "op": "eq"}]}, {"event": "Order"}], RANGE}""", "steps[0].filters[0].value is required" },
            { "retention", """{RANGE, "cohortEvent": "BIG"}""", "cohortEvent" },
            { "paths", """{"event": [1], RANGE}""", "$.event" },
            { "audiences/count", """{"condition": {"any": [TAGS]}}""", "more than 100 parts" },
            { "audiences/count", """{"condition": {"any": [EVENTS]}}""", "more than 100 parts" },
            { "audiences/count", """{"condition": {"trait": 5}}""", "condition.trait must be the name of a trait" },
            { "audiences/count", """{"condition": {"event": "Order", "where": [5]}}""", "condition.where[0] must be an object" },
            { "audiences/count", """{"condition": {"event": "Order", "where": [{"property": "p", "op": "eq", "value": {"a": 1}}]}}""", "condition.where[0].value must be a string or a number" },
            { "audiences/count", """{"condition": {"event": "Order", "atLeast": "3"}}""", "atLeast and withinDays must be whole numbers" },
            { "audiences/count", """{"condition": {"tag": "BIG"}}""", "condition.tag is" },
            { "audiences/count", """{"condition": {"all": [null]}}""", "condition.all[0] must be an object" },
            { "audiences/count", """{"tagCondition": {"trait": 5, "op": "eq", "value": 1}}""", "tagCondition.trait" },
            { "audiences/count", """{"tagCondition": {"trait": "plan", "op": "eq", "value": "BIG"}}""", "tagCondition.value" },
            { "audiences/export", """{"condition": {"trait": "plan", "op": ["eq"], "value": "x"}}""", "condition.op must be a string" },
            { "audiences/count", """{"condition": {"any": [{"tag": "vip"}, {"tag": "a\ud800"}]}}""", "condition.any[1].tag is not valid Unicode" },
            { "audiences/count", """{"tagCondition": {"trait": "plan", "op": "eq", "value": "\ud800"}}""", "tagCondition.value: is not valid Unicode" },
            { "trends", """{"event": "\ud800", "from": "2024-01-01T00:00:00Z", "to": "2024-02-01T00:00:00Z"}""", "$.event" },
            { "audiences/count", "null", "not null" },
            { "audiences/count", "", "body is empty" },
        };
    }

    private static string Fill(string body) => body
        .Replace("RANGE", Range, StringComparison.Ordinal)
        .Replace("BIG", new string('x', 100 * 1024), StringComparison.Ordinal)
        .Replace("TAGS", string.Join(",", Enumerable.Range(0, 2_000).Select(i => $"{{\"tag\": \"t{i}\"}}")), StringComparison.Ordinal)
        .Replace("EVENTS", string.Join(",", Enumerable.Range(0, 300).Select(i => $"{{\"event\": \"E{i}\"}}")), StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Api_answers_400_naming_the_part_for_a_bad_request(string endpoint, string body, string named)
    {
        var db = await fixture.NewDatabaseAsync();
        await using var app = await AnalyticsApiHost.StartAsync(db);
        using var http = AnalyticsApiHost.Client(app, "shop");

        using var response = await http.PostAsync($"/api/analytics/{endpoint}", new StringContent(Fill(body), Encoding.UTF8, "application/json"));

        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {answer}");
        Assert.Contains(named, answer, StringComparison.Ordinal);
        Assert.True(answer.Length < 2_000, answer);
    }

    [Fact]
    public async Task Api_answers_413_for_a_body_over_the_limit()
    {
        var db = await fixture.NewDatabaseAsync();
        await using var app = await AnalyticsApiHost.StartAsync(db);
        using var http = AnalyticsApiHost.Client(app, "shop");
        var body = """{"event": "View", RANGE, "breakdown": "HUGE"}""".Replace("HUGE", new string('x', 300 * 1024), StringComparison.Ordinal);

        using var response = await http.PostAsync("/api/analytics/trends", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("at most 256 KB", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
