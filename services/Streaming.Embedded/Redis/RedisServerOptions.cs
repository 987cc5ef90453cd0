namespace Streaming.Embedded.Redis;

/// <summary>How to start a <see cref="RedisServerProcess"/>.</summary>
public sealed record RedisServerOptions
{
    /// <summary>127.0.0.1 port to listen on; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// The server's working folder. When null a temporary folder is created and deleted on
    /// dispose; a folder given here is kept.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>Write an append-only file (fsync every second); off by default, as are RDB snapshots.</summary>
    public bool AppendOnly { get; init; }

    /// <summary>Path of redis-server; null looks it up on PATH.</summary>
    public string? Executable { get; init; }
}
