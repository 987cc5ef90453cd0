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

    public async Task InitializeAsync()
    {
        LibraryPath = await ChDbLibrary.EnsureAsync();
        Server = await StartAsync();
    }

    public Task<EmbeddedClickHouse> StartAsync(string? password = null) =>
        EmbeddedClickHouse.StartAsync(new EmbeddedClickHouseOptions { DataPath = DataPath, LibraryPath = LibraryPath, Password = password });

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
