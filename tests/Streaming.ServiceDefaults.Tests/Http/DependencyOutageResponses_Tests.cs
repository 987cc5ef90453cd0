using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Streaming.ServiceDefaults.Http;

namespace Streaming.ServiceDefaults.Tests.Http;

/// <summary>An API whose Redis is down answers 503 with Retry-After and a reason; a bug still answers 500.</summary>
public sealed class DependencyOutageResponses_Tests
{
    [Fact]
    public async Task Api_answers_503_with_retry_after_when_redis_is_unreachable_and_500_for_a_bug()
    {
        var deadPort = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.UseMiddleware<DependencyOutageResponses>();
        app.MapGet("/profile", async () =>
        {
            // A real client against a port nothing listens on: the failure a stopped Redis gives.
            using var redis = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
            {
                EndPoints = { { IPAddress.Loopback, deadPort } },
                AbortOnConnectFail = true,
                ConnectTimeout = 500,
                ConnectRetry = 0,
            });
            return Results.Ok(await redis.GetDatabase().StringGetAsync("k"));
        });
        app.MapGet("/bug", IResult () => throw new InvalidOperationException("a bug"));
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        using var outage = await http.GetAsync("/profile");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, outage.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(DependencyOutageResponses.RetryAfterSeconds), outage.Headers.RetryAfter?.Delta);
        Assert.Contains("retry", await outage.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        using var bug = await http.GetAsync("/bug");
        Assert.Equal(HttpStatusCode.InternalServerError, bug.StatusCode);
        await app.StopAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
