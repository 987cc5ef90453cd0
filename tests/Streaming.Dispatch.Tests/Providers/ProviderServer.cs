using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Streaming.Dispatch.Tests.Providers;

/// <summary>One request as the provider server received it.</summary>
public sealed record ReceivedRequest(int Number, DateTimeOffset At, string Path, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// A real HTTP provider (Kestrel on a free loopback port) that answers as scripted: the script gets the
/// request's number (1-based) and the context, and writes the answer (500, 429 with Retry-After, a slow
/// answer, 200 with an id). Every request received is recorded, so tests count what reached the provider.
/// </summary>
public sealed class ProviderServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _count;

    private ProviderServer(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    public int Count => Volatile.Read(ref _count);

    public string Url { get; private set; } = "";

    public static async Task<ProviderServer> StartAsync(Func<int, HttpContext, Task> script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var server = new ProviderServer(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var number = Interlocked.Increment(ref server._count);
            server.Received.Enqueue(new ReceivedRequest(number, DateTimeOffset.UtcNow, context.Request.Path,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));
            await script(number, context);
        });
        await app.StartAsync();
        server.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/send";
        return server;
    }

    /// <summary>200 with a JSON message id.</summary>
    public static Task Accept(HttpContext context) =>
        context.Response.WriteAsJsonAsync(new { id = "pm-" + Guid.NewGuid().ToString("N")[..12] });

    public static Task Status(HttpContext context, int status, string? retryAfter = null)
    {
        context.Response.StatusCode = status;
        if (retryAfter is not null)
            context.Response.Headers.RetryAfter = retryAfter;
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A loopback URL where nothing listens (a dead provider).</summary>
    public static string DeadUrl()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}/send";
    }
}
