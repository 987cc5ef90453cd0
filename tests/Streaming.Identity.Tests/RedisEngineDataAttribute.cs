using System.Reflection;
using Streaming.Embedded;
using Streaming.Embedded.Redis;
using Xunit.Sdk;

namespace Streaming.Identity.Tests;

/// <summary>One theory row per Redis engine; the redis-server row is skipped (saying how to install it) when it is not on PATH; under CI=true it fails instead.</summary>
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
