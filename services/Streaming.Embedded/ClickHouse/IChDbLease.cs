namespace Streaming.Embedded.ClickHouse;

/// <summary>A connection lent to one request: from the pool, or the one a client session holds.</summary>
public interface IChDbLease : IDisposable
{
    ChDbConnection Connection { get; }

    /// <summary>True for a client session's connection, whose state (USE, SET, temporary tables) is meant to last.</summary>
    bool IsClientSession { get; }

    /// <summary>Marks the connection's state as changed beyond its settings key: a pool connection is closed, not reused.</summary>
    void Discard();

    /// <summary>Takes back <see cref="Discard"/>.</summary>
    void Keep();
}
