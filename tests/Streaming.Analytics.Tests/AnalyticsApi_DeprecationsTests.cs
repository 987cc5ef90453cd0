using System.Net;
using System.Text;
using System.Text.Json;
using Streaming.Contracts.Records;
using static Streaming.Analytics.Tests.Events;

namespace Streaming.Analytics.Tests;

/// <summary>
/// The old audience language and the old filter form are read for one release: over HTTP they
/// answer what their condition-language form answers, with a <c>Deprecation</c> header and a
/// <c>deprecations</c> note that shows the form to send instead.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class AnalyticsApi_DeprecationsTests(ClickHouseFixture fixture)
{
    // RFC 9745: the date (epoch seconds) since when the form is deprecated, 2026-12-03.
    private const string Since = "@1796256000";
    private const string Range = "\"from\": \"2024-01-01T00:00:00Z\", \"to\": \"2024-02-01T00:00:00Z\"";

    [Fact]
    public async Task Old_forms_answer_as_their_new_forms_with_a_deprecation_note_naming_the_new_form_when_a_caller_still_sends_them()
    {
        var db = await fixture.NewDatabaseAsync();
        const string t = "shop";
        // Persons 1 and 2 view then order (revenue 80 and 20); person 3 only views.
        await db.StoreAsync(
        [
            Track(t, 1, "View", Day(1, 2, 10)), Track(t, 1, "Order", Day(1, 2, 11), """{"revenue": 80, "category": "beauty"}"""),
            Track(t, 2, "View", Day(1, 3, 10)), Track(t, 2, "Order", Day(1, 3, 11), """{"revenue": 20, "category": "food"}"""),
            Track(t, 3, "View", Day(1, 4, 10)),
        ]);
        await db.ProfileChangesSink().HandleAsync([Audiences_ConditionsTests.Change(t, 1, ProfileChangeKind.TagEntered, tag: "vip"), Audiences_ConditionsTests.Change(t, 3, ProfileChangeKind.TagEntered, tag: "vip")], default);
        await using var app = await AnalyticsApiHost.StartAsync(db);
        using var http = AnalyticsApiHost.Client(app, t);

        var oldFunnel = await Post(http, "funnel", $$"""{"steps": [{"event": "View"}, {"event": "Order", "filters": [{"property": "revenue", "op": "gt", "value": "50"}]}], {{Range}}}""");
        var newFunnel = await Post(http, "funnel", $$"""{"steps": [{"event": "View"}, {"event": "Order", "filters": [{"path": "revenue", "op": "gt", "value": 50}]}], {{Range}}}""");
        var oldTrend = await Post(http, "trends", $$"""{"event": "Order", "filters": [{"property": "category", "op": "neq", "value": "food"}], {{Range}}}""");
        var newTrend = await Post(http, "trends", $$"""{"event": "Order", "filters": [{"path": "category", "op": "ne", "value": "food"}], {{Range}}}""");
        var oldAudience = await Post(http, "audiences/count", """{"condition": {"all": [{"tag": "vip"}, {"event": "Order", "atLeast": 1}]}}""");
        var newAudience = await Post(http, "audiences/count", """{"tagCondition": {"all": [{"tag": "vip"}, {"metric": {"fn": "count", "event": {"name": "Order"}}, "op": "gte", "value": 1}]}}""");
        var oldExport = await Post(http, "audiences/export", """{"condition": {"tag": "vip"}}""");

        Assert.Equal(HttpStatusCode.OK, oldFunnel.Status);
        Assert.Equal(Without(newFunnel.Body, "deprecations"), Without(oldFunnel.Body, "deprecations"));
        Assert.Contains("\"persons\":1", newFunnel.Body, StringComparison.Ordinal);
        Assert.Equal(Since, oldFunnel.Deprecation);
        Assert.Null(newFunnel.Deprecation);
        Assert.Contains("""steps[1].filters[0] uses the old filter form""", Notes(oldFunnel.Body), StringComparison.Ordinal);
        Assert.Contains("""{"path":"properties.revenue","op":"gt","value":50}""", Notes(oldFunnel.Body), StringComparison.Ordinal);

        Assert.Equal(Without(newTrend.Body, "deprecations"), Without(oldTrend.Body, "deprecations"));
        Assert.Contains("\"value\":1", newTrend.Body, StringComparison.Ordinal);
        Assert.Contains("""{"path":"properties.category","op":"ne","value":"food"}""", Notes(oldTrend.Body), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, oldAudience.Status);
        Assert.Equal(Without(newAudience.Body, "deprecations"), Without(oldAudience.Body, "deprecations"));
        Assert.Contains("\"sample\":[1]", newAudience.Body, StringComparison.Ordinal);
        Assert.Equal(Since, oldAudience.Deprecation);
        Assert.Contains("""read as the tagCondition {"all":[{"tag":"vip"},{"metric":{"fn":"count","event":{"name":"Order"}},"op":"gte","value":1}]}""", Notes(oldAudience.Body), StringComparison.Ordinal);

        Assert.Equal(Since, oldExport.Deprecation);
        Assert.Equal("person_id,user_id\n1,u1\n3,u3\n", oldExport.Body.ReplaceLineEndings("\n"));
    }

    private static async Task<(HttpStatusCode Status, string Body, string? Deprecation)> Post(HttpClient http, string endpoint, string json)
    {
        using var response = await http.PostAsync($"/api/analytics/{endpoint}", new StringContent(json, Encoding.UTF8, "application/json"));
        var deprecation = response.Headers.TryGetValues("Deprecation", out var values) ? string.Join(",", values) : null;
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), deprecation);
    }

    private static string Notes(string body) => string.Join("\n", JsonDocument.Parse(body).RootElement.GetProperty("deprecations").EnumerateArray().Select(n => n.GetString()));

    private static string Without(string body, string field)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject();
        node.Remove(field);
        return node.ToJsonString();
    }
}
