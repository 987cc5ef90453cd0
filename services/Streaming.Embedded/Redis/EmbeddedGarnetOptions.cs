using Microsoft.Extensions.Logging;

namespace Streaming.Embedded.Redis;

/// <summary>How to start an <see cref="EmbeddedGarnet"/>.</summary>
public sealed record EmbeddedGarnetOptions
{
    /// <summary>Port to listen on; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>IP address to bind (loopback by default); <c>0.0.0.0</c> binds every interface.</summary>
    public string ListenAddress { get; init; } = "127.0.0.1";

    /// <summary>
    /// When set, every client must <c>AUTH</c> with it first (Garnet's password mode) and
    /// <see cref="EmbeddedGarnet.ConnectionString"/> carries it; when null, no authentication (tests only).
    /// </summary>
    public string? Password { get; init; }

    /// <summary>
    /// Folder for the append-only file and checkpoints. When set, every write goes to the AOF
    /// and a restart on the same folder recovers the data; when null, data lives in memory only.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>
    /// How often to checkpoint when <see cref="DataDirectory"/> is set. A checkpoint shortens
    /// recovery (the AOF is replayed only from the last one); null means AOF only.
    /// </summary>
    public TimeSpan? CheckpointInterval { get; init; }

    /// <summary>
    /// When <see cref="DataDirectory"/> is set: answer a write only after its AOF commit is on the
    /// device (Garnet's <c>--aof-commit-wait</c>). On by default: without it a write is answered
    /// while its commit is still in flight, so a crash (<c>kill -9</c>) can lose writes a service
    /// already built on (a profile change whose Kafka offset was then committed is never redone).
    /// </summary>
    public bool WaitForAofCommit { get; init; } = true;

    /// <summary>Receives Garnet's own log; nothing is logged when null.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
