using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Confluent.SchemaRegistry;
using Streaming.Contracts.Avro;
using Streaming.Contracts.Topics;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Gateway.Topics;

/// <summary>
/// The <c>create-topics</c> verb of deployment jobs: creates every topic of <see cref="TopicCatalog.All"/>
/// that does not exist yet (partitions, cleanup.policy, retention.ms), leaves existing ones alone, then
/// registers every payload schema version in the Schema Registry (<see cref="SchemaRegistration"/>).
/// </summary>
public static class TopicCreator
{
    /// <summary>The Admin API request for one catalog topic; replication factor -1 takes the broker's default.</summary>
    public static TopicSpecification Specification(TopicDefinition topic, short replicationFactor = -1)
    {
        var configs = new Dictionary<string, string>
        {
            ["cleanup.policy"] = topic.Cleanup == CleanupPolicy.Compact ? "compact" : "delete",
        };
        if (topic.Retention is { } retention)
            configs["retention.ms"] = ((long)retention.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        return new TopicSpecification
        {
            Name = topic.Name,
            NumPartitions = topic.Partitions,
            ReplicationFactor = replicationFactor,
            Configs = configs,
        };
    }

    /// <summary>The catalog topics missing from <paramref name="existing"/>.</summary>
    public static IReadOnlyList<TopicSpecification> Missing(IEnumerable<string> existing, short replicationFactor = -1)
    {
        var present = existing.ToHashSet(StringComparer.Ordinal);
        return [.. TopicCatalog.All.Where(t => !present.Contains(t.Name)).Select(t => Specification(t, replicationFactor))];
    }

    /// <summary>Creates the missing topics and registers the schemas; returns the process exit code (0 when both succeeded).</summary>
    public static async Task<int> RunAsync(KafkaOptions options, SchemaRegistryOptions registry, short replicationFactor, TextWriter output, CancellationToken cancellationToken = default)
    {
        var topics = await CreateTopicsAsync(options, replicationFactor, output, cancellationToken);
        return topics != 0 ? topics : await RegisterSchemasAsync(registry, output, cancellationToken);
    }

    /// <summary>Registers every version of every payload schema, oldest first, subjects set to BACKWARD.</summary>
    public static async Task<int> RegisterSchemasAsync(SchemaRegistryOptions options, TextWriter output, CancellationToken cancellationToken = default)
    {
        using var registry = new CachedSchemaRegistryClient(options.ClientConfig());
        try
        {
            foreach (var schema in await SchemaRegistration.RegisterAllAsync(registry, cancellationToken))
                await output.WriteLineAsync($"schema   {schema.Subject} version {schema.Version} id {schema.Id} ({schema.Schema}, BACKWARD)");
            return 0;
        }
        catch (Exception ex) when (ex is SchemaRegistryException or HttpRequestException)
        {
            await output.WriteLineAsync($"create-topics: registering the schemas at {options.Url} failed: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> CreateTopicsAsync(KafkaOptions options, short replicationFactor, TextWriter output, CancellationToken cancellationToken)
    {
        using var admin = new AdminClientBuilder(KafkaClientConfig.Admin(options, "create-topics")).Build();
        Confluent.Kafka.Metadata metadata;
        try
        {
            metadata = admin.GetMetadata(TimeSpan.FromSeconds(30));
        }
        catch (KafkaException ex)
        {
            await output.WriteLineAsync($"create-topics: Kafka at {options.BootstrapServers} did not answer: {ex.Error.Reason}");
            return 1;
        }
        var existing = metadata.Topics.Where(t => t.Error.Code == ErrorCode.NoError).Select(t => t.Topic).ToList();
        var missing = Missing(existing, replicationFactor);
        foreach (var topic in TopicCatalog.All.Where(t => existing.Contains(t.Name)))
            await output.WriteLineAsync($"exists   {topic.Name}");
        if (missing.Count == 0)
        {
            await output.WriteLineAsync("create-topics: every topic exists.");
            return 0;
        }
        try
        {
            await admin.CreateTopicsAsync(missing, new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(60) });
        }
        catch (CreateTopicsException ex)
        {
            var failed = 0;
            foreach (var report in ex.Results)
            {
                if (report.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists)
                {
                    await output.WriteLineAsync($"created  {report.Topic}");
                    continue;
                }
                failed++;
                await output.WriteLineAsync($"FAILED   {report.Topic}: {report.Error.Reason}");
            }
            return failed == 0 ? 0 : 1;
        }
        foreach (var topic in missing)
            await output.WriteLineAsync($"created  {topic.Name} ({topic.NumPartitions} partitions, {string.Join(", ", topic.Configs.Select(c => $"{c.Key}={c.Value}"))})");
        return 0;
    }
}
