using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Streaming.Embedded.ClickHouse;

/// <summary>
/// ClickHouse in the process: the chDB engine on a data folder, served on 127.0.0.1 through a
/// ClickHouse-compatible HTTP endpoint, so ClickHouse.Driver (or curl, or a BI tool's HTTP
/// mode) talks to it exactly as to a ClickHouse server. One process serves one data folder.
/// </summary>
/// <example>
/// <code>
/// await using var clickHouse = await EmbeddedClickHouse.StartAsync(new() { DataPath = ".streaming/clickhouse", Port = 8123 });
/// using var connection = new ClickHouseConnection(clickHouse.ConnectionString);
/// </code>
/// </example>
public sealed class EmbeddedClickHouse : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ChDbConnectionPool pool;
    private readonly EmbeddedClickHouseOptions options;
    private int stopped;

    private EmbeddedClickHouse(WebApplication app, ChDbConnectionPool pool, EmbeddedClickHouseOptions options, int port, string version)
    {
        this.app = app;
        this.pool = pool;
        this.options = options;
        Port = port;
        Version = version;
    }

    public int Port { get; }

    /// <summary>The engine's version (ClickHouse numbering, e.g. 26.7.2.1).</summary>
    public string Version { get; }

    public string DataPath => pool.DataPath;

    public Uri Endpoint => new($"http://{ConnectHost}:{Port}/");

    /// <summary>Where clients connect: the bound address, or loopback when every interface is bound.</summary>
    private string ConnectHost => IPAddress.Parse(options.ListenAddress) is var bound && (bound.Equals(IPAddress.Any) || bound.Equals(IPAddress.IPv6Any))
        ? "127.0.0.1"
        : bound.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{bound}]" : bound.ToString();

    /// <summary>ClickHouse.Driver connection string: <c>Host=127.0.0.1;Port=N;Database=..</c> (plus credentials when configured).</summary>
    public string ConnectionString => options.Password is null
        ? $"Host={ConnectHost};Port={Port};Database={options.Database}"
        : $"Host={ConnectHost};Port={Port};Database={options.Database};Username={options.User};Password={options.Password}";

    /// <summary>The engine's connections, for callers that want to skip HTTP (benchmarks, migrations).</summary>
    public ChDbConnectionPool Connections => pool;

    public static async Task<EmbeddedClickHouse> StartAsync(EmbeddedClickHouseOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DataPath);
        var library = options.LibraryPath ?? await ChDbLibrary.EnsureAsync(options.Progress, cancellationToken);
        // The first connection boots the engine (loads metadata of every table): not on the caller's thread.
        var pool = await Task.Run(() => new ChDbConnectionPool(library, options.DataPath, options.Connections), cancellationToken);
        try
        {
            var (version, timezone) = await DescribeEngineAsync(pool, options.Database, cancellationToken);
            var endpoint = new ClickHouseHttpEndpoint(pool, options, version, timezone);

            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(EmbeddedClickHouse).FullName });
            builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            {
                kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.Port);
                kestrel.AddServerHeader = false;
                kestrel.Limits.MaxRequestBodySize = null; // inserts are as large as the client makes them
            });
            var app = builder.Build();
            app.Run(endpoint.HandleAsync);
            await app.StartAsync(cancellationToken);

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return new EmbeddedClickHouse(app, pool, options, new Uri(address).Port, version);
        }
        catch
        {
            pool.Dispose();
            throw;
        }
    }

    /// <summary>Stops answering, waits for requests in flight and closes the engine's connections.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref stopped, 1) != 0)
        {
            return;
        }

        try
        {
            await app.StopAsync(cancellationToken);
            await app.DisposeAsync();
        }
        finally
        {
            pool.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static async Task<(string Version, string Timezone)> DescribeEngineAsync(ChDbConnectionPool pool, string database, CancellationToken cancellationToken)
    {
        using var lease = await pool.RentAsync(cancellationToken: cancellationToken);
        if (database != "default")
        {
            using var create = lease.Connection.Query("CREATE DATABASE IF NOT EXISTS " + ClickHouseHttpEndpoint.QuoteIdentifier(database));
            create.ThrowIfFailed();
        }

        using var result = lease.Connection.Query("SELECT version(), timezone()").ThrowIfFailed();
        var fields = result.Text.TrimEnd('\n').Split('\t');
        return (fields[0], fields[1]);
    }
}
