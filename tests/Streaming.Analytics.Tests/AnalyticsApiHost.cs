using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Streaming.ServiceDefaults;
using Streaming.Tests.Helpers;

namespace Streaming.Analytics.Tests;

/// <summary>The analytics API on a real host (free loopback port, sink off) over one test database.</summary>
internal static class AnalyticsApiHost
{
    public const string AdminKey = "ak_test_0123456789abcdef";

    public static async Task<WebApplication> StartAsync(AnalyticsDatabase db)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "127.0.0.1:9",
            ["ClickHouse:ConnectionString"] = db.Session.ConnectionString,
            ["Admin:ApiKey"] = AdminKey,
            ["Analytics:Database"] = db.Name,
            ["Analytics:BiDatabase"] = db.Session.BiDatabase,
            ["Analytics:SinkEnabled"] = "false",
        });
        foreach (var (key, value) in SharedSchemaRegistry.Settings)
            builder.Configuration[key] = value;
        builder.AddServiceDefaults("analytics-test");
        builder.AddAnalytics();
        var app = builder.Build();
        app.MapAnalytics();
        await app.StartAsync();
        return app;
    }

    /// <summary>A client of the host; with <paramref name="tenant"/> it also sends the admin key and that tenant.</summary>
    public static HttpClient Client(WebApplication app, string? tenant = null)
    {
        var http = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()) };
        if (tenant is not null)
            Authorize(http, tenant);
        return http;
    }

    public static void Authorize(HttpClient http, string tenant)
    {
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        http.DefaultRequestHeaders.Add("X-Tenant", tenant);
    }
}
