using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Streaming.Embedded.ClickHouse;

namespace Streaming.EndToEnd.Tests.FirstRun;

/// <summary>
/// A real HTTP server on 127.0.0.1 that npm talks to as its registry: it either fails every
/// request with 500, or serves a small stand-in for the chDB package (its libchdb.so is random
/// bytes, enough to check what lands in the cache) and holds the tarball until released.
/// </summary>
public sealed class LoopbackNpmRegistry : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;
    private int _tarballRequests;

    private LoopbackNpmRegistry(WebApplication app) => _app = app;

    public Uri Url => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/");
    public int Requests => Volatile.Read(ref _requests);
    public int TarballRequests => Volatile.Read(ref _tarballRequests);

    /// <summary>The library bytes the stand-in package carries.</summary>
    public byte[] Library { get; } = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);

    /// <summary>Completed by the test when the tarball may be sent.</summary>
    public TaskCompletionSource ReleaseTarball { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static Task<LoopbackNpmRegistry> FailingWith500Async() => StartAsync(serve: false);

    public static Task<LoopbackNpmRegistry> ServingTheChDbPackageAsync() => StartAsync(serve: true);

    /// <summary>A loopback address where nothing listens (connection refused).</summary>
    public static Uri ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    private static async Task<LoopbackNpmRegistry> StartAsync(bool serve)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var registry = new LoopbackNpmRegistry(app);
        var tarball = serve ? registry.PackTarball() : null;
        app.Run(async context =>
        {
            Interlocked.Increment(ref registry._requests);
            var path = Uri.UnescapeDataString(context.Request.Path.Value ?? "");
            if (tarball is null)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsync("registry down (test)");
            }
            else if (path.EndsWith("/tarball.tgz", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref registry._tarballRequests);
                await registry.ReleaseTarball.Task.WaitAsync(TimeSpan.FromMinutes(2));
                context.Response.ContentType = "application/octet-stream";
                await context.Response.Body.WriteAsync(tarball);
            }
            else if (path.Contains(ChDbLibrary.PackageName, StringComparison.Ordinal))
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(registry.Packument(tarball));
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }
        });
        await app.StartAsync();
        return registry;
    }

    private string Packument(byte[] tarball)
    {
        var version = new
        {
            name = ChDbLibrary.PackageName,
            version = ChDbLibrary.Version,
            dist = new
            {
                tarball = new Uri(Url, "tarball.tgz").ToString(),
                integrity = "sha512-" + Convert.ToBase64String(SHA512.HashData(tarball)),
            },
        };
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["name"] = ChDbLibrary.PackageName,
            ["dist-tags"] = new Dictionary<string, string> { ["latest"] = ChDbLibrary.Version },
            ["versions"] = new Dictionary<string, object> { [ChDbLibrary.Version] = version },
        });
    }

    private byte[] PackTarball()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            var manifest = JsonSerializer.Serialize(new { name = ChDbLibrary.PackageName, version = ChDbLibrary.Version });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "package/package.json") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(manifest)) });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "package/libchdb.so") { DataStream = new MemoryStream(Library) });
        }
        return buffer.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseTarball.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
