using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Streaming.Embedded.Hosting;

/// <summary>
/// Kestrel serving one request handler on one address, with nothing else (no logging, no
/// configuration, no server header): the HTTP side of the embedded ClickHouse and Schema Registry.
/// Stopping is idempotent and closes, after the last request in flight, what the server was given to close.
/// </summary>
internal sealed class EmbeddedHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IDisposable[] _closeAfterStop;
    private int _stopped;

    private EmbeddedHttpServer(WebApplication app, string connectHost, int port, IDisposable[] closeAfterStop)
    {
        _app = app;
        _closeAfterStop = closeAfterStop;
        Port = port;
        Url = new Uri($"http://{connectHost}:{port}/");
        ConnectHost = connectHost;
    }

    /// <summary>The bound port (the free one picked when 0 was asked for).</summary>
    public int Port { get; }

    /// <summary>Where clients connect: the bound address, or loopback when every interface is bound.</summary>
    public string ConnectHost { get; }

    /// <summary><c>http://ConnectHost:Port/</c>.</summary>
    public Uri Url { get; }

    /// <param name="name">Names the server's host (its application name).</param>
    /// <param name="limits">Request size limits; the server's other limits are Kestrel's.</param>
    /// <param name="closeAfterStop">Closed in order once the server has stopped; not closed when the start fails (the caller still owns them then).</param>
    public static async Task<EmbeddedHttpServer> StartAsync(string name, IPAddress address, int port, RequestDelegate handler,
        Action<KestrelServerLimits> limits, IDisposable[] closeAfterStop, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, port);
            kestrel.AddServerHeader = false;
            limits(kestrel.Limits);
        });
        var app = builder.Build();
        app.Run(handler);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return new EmbeddedHttpServer(app, ListenAddress.ConnectHost(address), bound.Port, closeAfterStop);
    }

    /// <summary>Stops answering, waits for requests in flight, then closes what it was given to close.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
            return;
        try
        {
            await _app.StopAsync(cancellationToken);
            await _app.DisposeAsync();
        }
        finally
        {
            foreach (var resource in _closeAfterStop)
                resource.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
