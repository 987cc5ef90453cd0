using Streaming.Embedded.Hosting;

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
    private readonly EmbeddedHttpServer _server;
    private readonly ChDbConnectionPool _pool;
    private readonly ClickHouseSessions _sessions;
    // The options as started: Password is the one in force (the configured one, or the one generated at start).
    private readonly EmbeddedClickHouseOptions _options;

    private EmbeddedClickHouse(EmbeddedHttpServer server, ChDbConnectionPool pool, ClickHouseSessions sessions, EmbeddedClickHouseOptions options, string version)
    {
        _server = server;
        _pool = pool;
        _sessions = sessions;
        _options = options;
        Version = version;
    }

    /// <summary>Password of <c>default</c>, the services' user: the configured one, or the one generated at start.</summary>
    public string Password => _options.Password!;

    /// <summary>Password of the read-only <c>bi</c> user; null when there is none.</summary>
    public string? BiPassword => _options.BiPassword;

    /// <summary>Client sessions open now.</summary>
    public int OpenSessions => _sessions.Count;

    public int Port => _server.Port;

    /// <summary>The engine's version (ClickHouse numbering, e.g. 26.7.2.1).</summary>
    public string Version { get; }

    public string DataPath => _pool.DataPath;

    public Uri Endpoint => _server.Url;

    /// <summary>
    /// ClickHouse.Driver connection string of the services' user: <c>Host=127.0.0.1;Port=N;Database=..;Username=default;Password=..</c>,
    /// with parameters sent as form fields so no value is too long for a URL.
    /// </summary>
    public string ConnectionString => ConnectionStringFor("default", Password, _options.Database);

    /// <summary>Connection string of the read-only <c>bi</c> user; null when there is none.</summary>
    public string? BiConnectionString => _options.BiPassword is null ? null : ConnectionStringFor("bi", _options.BiPassword, _options.BiDatabases[0]);

    private string ConnectionStringFor(string user, string password, string database) =>
        $"Host={_server.ConnectHost};Port={Port};Database={database};Username={user};Password={password};UseFormDataParameters=true";

    /// <summary>The engine's connections, for callers that want to skip HTTP (benchmarks, migrations).</summary>
    public ChDbConnectionPool Connections => _pool;

    public static async Task<EmbeddedClickHouse> StartAsync(EmbeddedClickHouseOptions options, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var address = ListenAddress.Parse(options.ListenAddress, "EmbeddedClickHouseOptions.ListenAddress");
        var password = options.PasswordOrGenerated();
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

            var server = await EmbeddedHttpServer.StartAsync(typeof(EmbeddedClickHouse).FullName!, address, options.Port, endpoint.HandleAsync, limits =>
            {
                limits.MaxRequestBodySize = null; // inserts are as large as the client makes them
                // ClickHouse's http_max_uri_size: 1 MiB of URL, so long parameters in a query string are served as there.
                limits.MaxRequestLineSize = (1 << 20) + 1024;
                limits.MaxRequestHeadersTotalSize = (1 << 20) + (64 << 10);
                limits.MaxRequestBufferSize = 2 << 20;
            }, [sessions, pool], cancellationToken);
            return new EmbeddedClickHouse(server, pool, sessions, options with { Password = password }, version);
        }
        catch
        {
            sessions?.Dispose();
            pool.Dispose();
            throw;
        }
    }

    /// <summary>Stops answering, waits for requests in flight and closes the engine's connections.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _server.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

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
