using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Streaming.ServiceDefaults;
using static Streaming.Analytics.Tests.Events;

namespace Streaming.Analytics.Tests;

[Collection(ClickHouseCollection.Name)]
public sealed class AnalyticsApi_Http(ClickHouseFixture fixture)
{
    [Fact]
    public async Task Api_answers_funnels_for_the_admin_tenant_and_explains_bad_input_when_called_over_http()
    {
        var db = await fixture.NewDatabaseAsync();
        await db.StoreAsync([Track("shop", 1, "View", Day(1, 1, 10)), Track("shop", 1, "Order", Day(1, 1, 11)), Track("default", 2, "View", Day(1, 1, 10))]);
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "127.0.0.1:9",
            ["ClickHouse:ConnectionString"] = fixture.Server.ConnectionString,
            ["Admin:ApiKey"] = "ak_test_0123456789abcdef",
            ["Analytics:Database"] = db.Name,
            ["Analytics:BiDatabase"] = db.Session.BiDatabase,
            ["Analytics:SinkEnabled"] = "false",
        });
        builder.AddServiceDefaults("analytics-test");
        builder.AddAnalytics();
        await using var app = builder.Build();
        app.MapAnalytics();
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()) };
        var funnel = new { steps = new[] { new { @event = "View" }, new { @event = "Order" } }, from = "2024-01-01T00:00:00Z", to = "2024-02-01T00:00:00Z" };

        var anonymous = await http.PostAsJsonAsync("/api/analytics/funnel", funnel);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "ak_test_0123456789abcdef");
        http.DefaultRequestHeaders.Add("X-Tenant", "shop");
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
