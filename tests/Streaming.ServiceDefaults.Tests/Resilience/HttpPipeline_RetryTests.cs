using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polly;
using Streaming.ServiceDefaults.Resilience;

namespace Streaming.ServiceDefaults.Tests.Resilience;

/// <summary>A real HTTP server on 127.0.0.1 that answers 503 (with Retry-After: 0) a given number of times, then 200.</summary>
public sealed class HttpPipeline_RetryTests
{
    [Fact]
    public async Task HttpPipeline_gets_the_answer_when_the_server_fails_twice_then_succeeds()
    {
        await using var server = await FlakyServer.StartAsync(failures: 2);
        var logs = new CapturedLogs();
        using var loggerFactory = new LoggerFactory([logs]);
        var pipeline = ResiliencePipelines.CreateProvider(Fast(), loggerFactory).GetPipeline<HttpResponseMessage>(ResiliencePipelines.Http);
        using var http = new HttpClient();

        using var response = await pipeline.ExecuteAsync(async token => await http.GetAsync(server.Url, token), CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok after 3 requests", await response.Content.ReadAsStringAsync());
        Assert.Equal(3, server.Requests);
        Assert.Equal(2, logs.Count("http: attempt"));
    }

    [Fact]
    public async Task HttpPipeline_hands_back_the_last_answer_when_the_server_keeps_failing()
    {
        await using var server = await FlakyServer.StartAsync(failures: int.MaxValue);
        var options = Fast();
        options.Http.MaxRetryAttempts = 3;
        var pipeline = ResiliencePipelines.CreateProvider(options).GetPipeline<HttpResponseMessage>(ResiliencePipelines.Http);
        using var http = new HttpClient();

        using var response = await pipeline.ExecuteAsync(async token => await http.GetAsync(server.Url, token), CancellationToken.None);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(4, server.Requests);
    }

    private static ResilienceOptions Fast()
    {
        var options = new ResilienceOptions();
        options.Http.BaseDelay = TimeSpan.FromMilliseconds(10);
        options.Http.MaxDelay = TimeSpan.FromMilliseconds(50);
        return options;
    }

    private sealed class FlakyServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _requests;

        private FlakyServer(WebApplication app) => this._app = app;

        public int Requests => Volatile.Read(ref _requests);

        public Uri Url { get; private set; } = null!;

        public static async Task<FlakyServer> StartAsync(int failures)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var server = new FlakyServer(app);
            app.MapGet("/", (HttpContext context) =>
            {
                var n = Interlocked.Increment(ref server._requests);
                if (n <= failures)
                {
                    context.Response.Headers.RetryAfter = "0";
                    return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
                }
                return Results.Text($"ok after {n} requests");
            });
            await app.StartAsync();
            server.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            return server;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
