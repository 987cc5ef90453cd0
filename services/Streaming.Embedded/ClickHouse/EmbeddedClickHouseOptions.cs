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

    /// <summary>
    /// Password of <c>default</c>, the services' user (everything but what <see cref="StatementGuard"/> refuses to all).
    /// When null a random one is generated at start (<see cref="EmbeddedClickHouse.Password"/>): the endpoint never runs open.
    /// </summary>
    public string? Password { get; init; }

    /// <summary>Password of <c>bi</c>, the read-only user for BI tools; null: there is no <c>bi</c> user.</summary>
    public string? BiPassword { get; init; }

    /// <summary>Databases <c>bi</c> may read (the first is its default), besides system and information_schema.</summary>
    public IReadOnlyList<string> BiDatabases { get; init; } = ["bi"];

    /// <summary>Per-query limits for <c>bi</c>, set by the endpoint; a request may lower them, never raise them.</summary>
    public ClickHouseQueryLimits BiLimits { get; init; } = new();

    /// <summary>Client sessions (session_id) open at once; each holds a chDB connection of its own.</summary>
    public int MaxSessions { get; init; } = 32;

    /// <summary>Connections to the engine, i.e. statements run in parallel; further requests wait.</summary>
    public int Connections { get; init; } = Math.Max(4, Environment.ProcessorCount);

    /// <summary>libchdb.so to load; when null it is located (and fetched once) by <see cref="ChDbLibrary.EnsureAsync"/>.</summary>
    public string? LibraryPath { get; init; }

    /// <summary>Receives progress lines while the library is fetched; standard error when null.</summary>
    public Action<string>? Progress { get; init; }
}
