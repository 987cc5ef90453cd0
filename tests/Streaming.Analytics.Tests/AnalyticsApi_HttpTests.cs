using System.Net;
using System.Net.Http.Json;
using static Streaming.Analytics.Tests.Events;

namespace Streaming.Analytics.Tests;

[Collection(ClickHouseCollection.Name)]
public sealed class AnalyticsApi_HttpTests(ClickHouseFixture fixture)
{
    [Fact]
    public async Task Api_answers_funnels_for_the_admin_tenant_and_explains_bad_input_when_called_over_http()
    {
        var db = await fixture.NewDatabaseAsync();
        await db.StoreAsync([Track("shop", 1, "View", Day(1, 1, 10)), Track("shop", 1, "Order", Day(1, 1, 11)), Track("default", 2, "View", Day(1, 1, 10))]);
        await using var app = await AnalyticsApiHost.StartAsync(db);
        using var http = AnalyticsApiHost.Client(app);
        var funnel = new { steps = new[] { new { @event = "View" }, new { @event = "Order" } }, from = "2024-01-01T00:00:00Z", to = "2024-02-01T00:00:00Z" };

        var anonymous = await http.PostAsJsonAsync("/api/analytics/funnel", funnel);
        AnalyticsApiHost.Authorize(http, "shop");
        var ok = await http.PostAsJsonAsync("/api/analytics/funnel", funnel);
        var bad = await http.PostAsJsonAsync("/api/analytics/funnel", new { steps = new[] { new { @event = "View" } }, from = "2024-01-01T00:00:00Z", to = "2024-02-01T00:00:00Z" });

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var body = await ok.Content.ReadAsStringAsync();
        Assert.Contains("\"persons\":1", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("steps must hold 2 to 20 steps", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
