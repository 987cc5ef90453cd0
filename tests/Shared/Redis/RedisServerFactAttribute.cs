using Streaming.Embedded.Redis;

namespace Streaming.Tests.Helpers;

/// <summary>
/// A test that starts and stops redis-server processes itself (an outage, a restart): skipped,
/// saying how to install it, when redis-server is not on PATH; under CI=true it fails instead.
/// </summary>
public sealed class RedisServerFactAttribute : FactAttribute
{
    public RedisServerFactAttribute() =>
        Skip = TestPrerequisites.SkipReason(RedisServerProcess.IsInstalled, RedisServerProcess.NotInstalled)!;
}
