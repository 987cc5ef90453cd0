namespace Streaming.Embedded.Redis;

/// <summary>Which server answers a <see cref="TestRedis"/>.</summary>
public enum RedisEngine
{
    /// <summary>Debian's redis-server, run as a child process.</summary>
    RedisServer,

    /// <summary>Microsoft Garnet in this process (<see cref="EmbeddedGarnet"/>).</summary>
    Garnet,
}
