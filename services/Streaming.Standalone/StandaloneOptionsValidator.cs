using Microsoft.Extensions.Options;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Standalone;

/// <summary>
/// What <see cref="StandaloneOptions.Parse"/> cannot see one flag at a time: the four listeners need
/// four ports. Messages name the flags and the fix, like every service's options validation.
/// </summary>
public sealed class StandaloneOptionsValidator : SettingsValidator<StandaloneOptions>
{
    protected override IEnumerable<string> Failures(StandaloneOptions options)
    {
        var ports = new (string Flag, int Port)[]
        {
            ("--http-port", options.HttpPort), ("--grpc-port", options.GrpcPort),
            ("--clickhouse-port", options.ClickHousePort), ("--redis-port", options.RedisPort), ("--schema-registry-port", options.SchemaRegistryPort),
        };
        // Port 0 means "any free port": never a clash.
        foreach (var clash in ports.Where(p => p.Port != 0).GroupBy(p => p.Port).Where(g => g.Count() > 1))
            yield return $"{string.Join(" and ", clash.Select(p => p.Flag))} use the same port {clash.Key}: give each listener its own port.";
        if (options.KafkaBrokers < 1)
            yield return "The embedded Kafka needs at least one broker.";
    }
}
