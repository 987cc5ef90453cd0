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
    private readonly WebApplication _app;
    private readonly ChDbConnectionPool _pool;
    private readonly EmbeddedClickHouseOptions _options;
    private int _stopped;

    private readonly ClickHouseSessions _sessions;

    private EmbeddedClickHouse(WebApplication app, ChDbConnectionPool pool, ClickHouseSessions sessions, EmbeddedClickHouseOptions options, int port, string version, string password)
    {
        this._app = app;
        this._pool = pool;
        this._sessions = sessions;
        this._options = options;
        Port = port;
        Version = version;
        Password = password;
    }

    /// <summary>Password of <c>default</c>, the services' user: the configured one, or the one generated at start.</summary>
    public string Password { get; }

    /// <summary>Password of the read-only <c>bi</c> user; null when there is none.</summary>
    public string? BiPassword => _options.BiPassword;

    /// <summary>Client sessions open now.</summary>
    public int OpenSessions => _sessions.Count;

    public int Port { get; }

    /// <summary>The engine's version (ClickHouse numbering, e.g. 26.7.2.1).</summary>
    public string Version { get; }

    public string DataPath => _pool.DataPath;

    public Uri Endpoint => new($"http://{ConnectHost}:{Port}/");

    /// <summary>Where clients connect: the bound address, or loopback when every interface is bound.</summary>
    private string ConnectHost => IPAddress.Parse(_options.ListenAddress) is var bound && (bound.Equals(IPAddress.Any) || bound.Equals(IPAddress.IPv6Any))
        ? "127.0.0.1"
        : bound.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{bound}]" : bound.ToString();

    /// <summary>
    /// ClickHouse.Driver connection string of the services' user: <c>Host=127.0.0.1;Port=N;Database=..;Username=default;Password=..</c>,
    /// with parameters sent as form fields so no value is too long for a URL.
    /// </summary>
    public string ConnectionString => ConnectionStringFor("default", Password, _options.Database);

    /// <summary>Connection string of the read-only <c>bi</c> user; null when there is none.</summary>
    public string? BiConnectionString => _options.BiPassword is null ? null : ConnectionStringFor("bi", _options.BiPassword, _options.BiDatabases[0]);

    private string ConnectionStringFor(string user, string password, string database) =>
        $"Host={ConnectHost};Port={Port};Database={database};Username={user};Password={password};UseFormDataParameters=true";

    /// <summary>The engine's connections, for callers that want to skip HTTP (benchmarks, migrations).</summary>
    public ChDbConnectionPool Connections => _pool;

    public static async Task<EmbeddedClickHouse> StartAsync(EmbeddedClickHouseOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DataPath);
        if (options.BiPassword is { Length: 0 } || options.Password is { Length: 0 })
        {
            throw new ArgumentException("EmbeddedClickHouseOptions.Password and BiPassword must not be empty: leave Password null to generate one, BiPassword null for no bi user.", nameof(options));
        }

        if (options.BiPassword is not null && options.BiDatabases.Count == 0)
        {
            throw new ArgumentException("EmbeddedClickHouseOptions.BiDatabases must name at least one database for the bi user.", nameof(options));
        }

        var password = options.Password ?? Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var library = options.LibraryPath ?? await ChDbLibrary.EnsureAsync(options.Progress, cancellationToken);
        // The first connection boots the engine (loads metadata of every table): not on the caller's thread.
        var pool = await Task.Run(() => new ChDbConnectionPool(library, options.DataPath, options.Connections), cancellationToken);
        ClickHouseSessions? sessions = null;
        try
        {
            var (version, timezone, guard) = await DescribeEngineAsync(pool, options.Database, cancellationToken);
            List<ClickHouseUser> users = [new ClickHouseUser("default", password, IsReadOnly: false, Databases: [], Limits: null)];
            if (options.BiPassword is not null)
            {
                users.Add(new ClickHouseUser("bi", options.BiPassword, IsReadOnly: true, options.BiDatabases, options.BiLimits));
            }

            sessions = new ClickHouseSessions(pool, options.MaxSessions);
            var endpoint = new ClickHouseHttpEndpoint(pool, new ClickHouseUsers(users), guard, sessions, version, timezone);

            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(EmbeddedClickHouse).FullName });
            builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            {
                kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.Port);
                kestrel.AddServerHeader = false;
                kestrel.Limits.MaxRequestBodySize = null; // inserts are as large as the client makes them
                // ClickHouse's http_max_uri_size: 1 MiB of URL, so long parameters in a query string are served as there.
                kestrel.Limits.MaxRequestLineSize = (1 << 20) + 1024;
                kestrel.Limits.MaxRequestHeadersTotalSize = (1 << 20) + (64 << 10);
                kestrel.Limits.MaxRequestBufferSize = 2 << 20;
            });
            var app = builder.Build();
            app.Run(endpoint.HandleAsync);
            await app.StartAsync(cancellationToken);

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return new EmbeddedClickHouse(app, pool, sessions, options, new Uri(address).Port, version, password);
        }
        catch
        {
            sessions?.Dispose();
            pool.Dispose();
            throw;
        }
    }

    /// <summary>Stops answering, waits for requests in flight and closes the engine's connections.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        try
        {
            await _app.StopAsync(cancellationToken);
            await _app.DisposeAsync();
        }
        finally
        {
            _sessions.Dispose();
            _pool.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static async Task<(string Version, string Timezone, StatementGuard Guard)> DescribeEngineAsync(ChDbConnectionPool pool, string database, CancellationToken cancellationToken)
    {
        using var lease = await pool.RentAsync(cancellationToken: cancellationToken);
        if (database != "default")
        {
            using var create = lease.Connection.Query("CREATE DATABASE IF NOT EXISTS " + ClickHouseHttpEndpoint.QuoteIdentifier(database));
            create.ThrowIfFailed();
        }

        using var result = lease.Connection.Query("SELECT version(), timezone()").ThrowIfFailed();
        var fields = result.Text.TrimEnd('\n').Split('\t');
        return (fields[0], fields[1], StatementGuard.Load(lease.Connection));
    }
}
