using System.Reflection;
using Streaming.Embedded.Redis;
using Xunit.Sdk;

namespace Streaming.Embedded.Tests.Redis;

/// <summary>
/// Theory rows for each Redis engine. The redis-server row is skipped, with a message saying
/// how to install it, when redis-server is not on PATH (CI installs it).
/// </summary>
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
