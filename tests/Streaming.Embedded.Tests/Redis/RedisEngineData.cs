using System.Reflection;
using Streaming.Embedded;
using Streaming.Embedded.Redis;
using Xunit.Sdk;

namespace Streaming.Embedded.Tests.Redis;

/// <summary>
/// Theory rows for each Redis engine. The redis-server row is skipped, with a message saying
/// how to install it, when redis-server is not on PATH; under CI=true it runs and fails instead.
/// </summary>
public sealed class RedisEngineDataAttribute(RedisEngine engine) : DataAttribute
{
    public override string? Skip
    {
        get => engine == RedisEngine.RedisServer
            ? TestPrerequisites.SkipReason(RedisServerProcess.IsInstalled, RedisServerProcess.NotInstalled)
            : null;
        set { }
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[engine]];
}
