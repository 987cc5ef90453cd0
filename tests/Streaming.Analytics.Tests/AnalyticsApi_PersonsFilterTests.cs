using System.Net;
using System.Text;
using static Streaming.Analytics.Tests.Events;

namespace Streaming.Analytics.Tests;

/// <summary><c>persons</c> over HTTP: a tag-language condition on the person narrows a query; a wrong one is a 400 naming its path.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class AnalyticsApi_PersonsFilterTests(ClickHouseFixture fixture)
{
    [Fact]
    public async Task Retention_counts_only_persons_the_filter_keeps_and_a_wrong_filter_answers_400_naming_the_path()
    {
        var db = await fixture.NewDatabaseAsync();
        // Person 1 is a member (userId u1); person 2 a guest checkout (anonymous only).
        var guest = Track("shop", 2, "Order", Day(1, 3)) is var g ? g with { Event = g.Event with { UserId = null, AnonymousId = "guest-1" } } : null!;
        await db.StoreAsync([Track("shop", 1, "Order", Day(1, 2)), Track("shop", 1, "Order", Day(2, 2)), guest]);
        await using var app = await AnalyticsApiHost.StartAsync(db);
        using var http = AnalyticsApiHost.Client(app);
        AnalyticsApiHost.Authorize(http, "shop");
        const string Range = "\"cohortEvent\": \"Order\", \"returnEvent\": \"Order\", \"period\": \"month\", \"periods\": 1, \"from\": \"2024-01-01T00:00:00Z\", \"to\": \"2024-03-01T00:00:00Z\"";

        const string Identified = """{"metric": {"fn": "count", "event": {"where": [{"path": "$userId", "op": "exists"}]}}, "op": "gte", "value": 1}""";

        var everyone = await Post(http, "{" + Range + "}");
        var members = await Post(http, "{" + Range + ", \"persons\": " + Identified + "}");
        var wrong = await Post(http, "{" + Range + ", \"persons\": " + Identified.Replace("$userId", "$user", StringComparison.Ordinal) + "}");

        Assert.Equal(HttpStatusCode.OK, everyone.Status);
        Assert.Contains("\"persons\":2", everyone.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, members.Status);
        Assert.Contains("\"persons\":1", members.Body, StringComparison.Ordinal);
        Assert.Contains("\"returned\":[1,1]", members.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        Assert.Contains("persons.metric.event.where[0].path", wrong.Body, StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, string Body)> Post(HttpClient http, string json)
    {
        using var response = await http.PostAsync("/api/analytics/retention", new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
