namespace Streaming.Embedded.Redis;

/// <summary>Which Redis-compatible server a test or bench runs against (tests/Shared/Redis/TestRedis).</summary>
public enum RedisEngine
{
    /// <summary>Debian's redis-server, run as a child process.</summary>
    RedisServer,

    /// <summary>Microsoft Garnet in this process (<see cref="EmbeddedGarnet"/>).</summary>
    Garnet,
}
