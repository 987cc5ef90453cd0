using ClickHouse.Driver;
using ClickHouse.Driver.ADO;
using Streaming.Embedded.ClickHouse;

namespace Streaming.Embedded.Tests.ClickHouse;

/// <summary>One embedded ClickHouse on a temporary folder, shared by every ClickHouse test.</summary>
public sealed class ClickHouseFixture : IAsyncLifetime
{
    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), "streaming-clickhouse-tests-" + Guid.NewGuid().ToString("N"));

    public string LibraryPath { get; private set; } = string.Empty;

    public EmbeddedClickHouse Server { get; private set; } = null!;

    public const string DefaultPassword = "default-test-password";

    public const string BiPassword = "bi-test-password";

    public async Task InitializeAsync()
    {
        LibraryPath = await ChDbLibrary.EnsureAsync();
        Server = await StartAsync();
        using var lease = await Server.Connections.RentAsync();
        lease.Connection.Query("CREATE DATABASE IF NOT EXISTS bi").ThrowIfFailed().Dispose();
        lease.Connection.Query("CREATE DATABASE IF NOT EXISTS streaming").ThrowIfFailed().Dispose();
        lease.Connection.Query("CREATE TABLE IF NOT EXISTS streaming.events (tenant String, id UInt64) ENGINE = MergeTree ORDER BY id").ThrowIfFailed().Dispose();
        lease.Connection.Query("CREATE VIEW IF NOT EXISTS bi.events AS SELECT tenant, id FROM streaming.events").ThrowIfFailed().Dispose();
    }

    public Task<EmbeddedClickHouse> StartAsync(string? password = DefaultPassword, EmbeddedClickHouseOptions? options = null) =>
        EmbeddedClickHouse.StartAsync((options ?? new EmbeddedClickHouseOptions { DataPath = DataPath }) with
        {
            DataPath = DataPath, LibraryPath = LibraryPath, Password = password, BiPassword = options?.BiPassword ?? BiPassword,
        });

    /// <summary>An HTTP client that signs in as <paramref name="user"/> with Basic auth, as curl -u does.</summary>
    public HttpClient Http(string user = "default", string? password = null)
    {
        var client = new HttpClient { BaseAddress = Server.Endpoint };
        var secret = password ?? (user == "bi" ? BiPassword : DefaultPassword);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(user + ":" + secret)));
        return client;
    }

    /// <summary>ClickHouse.Driver connected as the read-only bi user.</summary>
    public ClickHouseConnection ConnectBi() => new(Server.BiConnectionString!);

    /// <summary>Stops the endpoint and starts a new one on the same folder.</summary>
    public async Task RestartAsync()
    {
        await Server.DisposeAsync();
        Server = await StartAsync();
    }

    public ClickHouseConnection Connect(string? database = null)
    {
        var builder = new ClickHouseConnectionStringBuilder(Server.ConnectionString);
        if (database is not null)
        {
            builder.Database = database;
        }

        return new ClickHouseConnection(builder.ConnectionString);
    }

    public ClickHouseClient Client() => new(Server.ConnectionString);

    /// <summary>A table name no other test uses.</summary>
    public static string UniqueName(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..12];

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp folder
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClickHouseCollection : ICollectionFixture<ClickHouseFixture>
{
    public const string Name = "ClickHouse";
}
