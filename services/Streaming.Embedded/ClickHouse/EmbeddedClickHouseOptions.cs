using Streaming.Embedded.Hosting;

namespace Streaming.Embedded.ClickHouse;

/// <summary>
/// How to run the embedded ClickHouse: a data folder, a port (0 picks a free one; 8123 is ClickHouse's usual HTTP port)
/// and the password of <c>default</c>, the services' user (everything but what <see cref="StatementGuard"/> refuses to all),
/// generated at start when null (<see cref="EmbeddedClickHouse.Password"/>).
/// </summary>
public sealed record EmbeddedClickHouseOptions : EmbeddedServerOptions
{
    /// <summary>IP address to bind (loopback by default); <c>0.0.0.0</c> binds every interface.</summary>
    public string ListenAddress { get; init; } = "127.0.0.1";

    /// <summary>Database put in the connection string; created at start when missing.</summary>
    public string Database { get; init; } = "default";

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

    internal override void Validate()
    {
        base.Validate();
        if (BiPassword is { Length: 0 })
            throw Invalid("BiPassword must not be empty: leave it null for no bi user.");
        if (BiPassword is not null && BiDatabases.Count == 0)
            throw Invalid("BiDatabases must name at least one database for the bi user.");
    }
}
