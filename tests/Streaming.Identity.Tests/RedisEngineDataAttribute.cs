using System.Reflection;
using Streaming.Embedded.Redis;
using Xunit.Sdk;

namespace Streaming.Identity.Tests;

/// <summary>One theory row per Redis engine; the redis-server row is skipped (saying how to install it) when it is not on PATH.</summary>
public sealed class RedisEngineDataAttribute(RedisEngine engine) : DataAttribute
{
    public override string? Skip
    {
        get => engine == RedisEngine.RedisServer && !RedisServerProcess.IsInstalled
            ? "redis-server is not on PATH: install it (apt-get install redis-server) to run this scenario against real Redis."
            : null;
        set { }
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[engine]];
}
