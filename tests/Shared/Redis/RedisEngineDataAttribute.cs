using System.Reflection;
using Streaming.Embedded.Redis;
using Xunit.Sdk;

namespace Streaming.Tests.Helpers;

/// <summary>
/// One theory row per Redis engine. The redis-server row is skipped, saying how to install it,
/// when redis-server is not on PATH (under CI=true it fails instead); with
/// STREAMING_TEST_INFRA=containers it runs on a Redis container and needs no local install.
/// </summary>
public sealed class RedisEngineDataAttribute(RedisEngine engine) : DataAttribute
{
    public override string? Skip
    {
        get => engine == RedisEngine.RedisServer && TestInfra.Selected != TestInfraKind.Containers
            ? TestPrerequisites.SkipReason(RedisServerProcess.IsInstalled, RedisServerProcess.NotInstalled)
            : null;
        set { }
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[engine]];
}
