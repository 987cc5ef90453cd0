namespace Streaming.Embedded.ClickHouse;

/// <summary>How to run the embedded ClickHouse.</summary>
public sealed record EmbeddedClickHouseOptions
{
    /// <summary>Folder holding the data; created when missing, kept across restarts.</summary>
    public required string DataPath { get; init; }

    /// <summary>TCP port; 0 picks a free one (8123 is ClickHouse's usual HTTP port).</summary>
    public int Port { get; init; }

    /// <summary>IP address to bind (loopback by default); <c>0.0.0.0</c> binds every interface.</summary>
    public string ListenAddress { get; init; } = "127.0.0.1";

    /// <summary>Database put in the connection string; created at start when missing.</summary>
    public string Database { get; init; } = "default";

    /// <summary>User the endpoint expects when <see cref="Password"/> is set.</summary>
    public string User { get; init; } = "default";

    /// <summary>When set, requests must carry <see cref="User"/> and this password (Basic auth, X-ClickHouse-User/Key, or user/password).</summary>
    public string? Password { get; init; }

    /// <summary>Connections to the engine, i.e. statements run in parallel; further requests wait.</summary>
    public int Connections { get; init; } = Math.Max(4, Environment.ProcessorCount);

    /// <summary>libchdb.so to load; when null it is located (and fetched once) by <see cref="ChDbLibrary.EnsureAsync"/>.</summary>
    public string? LibraryPath { get; init; }

    /// <summary>Receives progress lines while the library is fetched; standard error when null.</summary>
    public Action<string>? Progress { get; init; }
}
