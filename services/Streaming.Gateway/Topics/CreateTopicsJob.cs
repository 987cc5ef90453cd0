using Microsoft.Extensions.Options;
using Streaming.ServiceDefaults.Options;
using Streaming.ServiceDefaults.Registration;

namespace Streaming.Gateway.Topics;

/// <summary>
/// <c>create-topics</c>: the deployment job that creates the missing catalog topics
/// (Kafka:BootstrapServers, Kafka:TopicReplicationFactor) and registers the payload schemas in the
/// Schema Registry (SchemaRegistry:Url), every version oldest first so ids are stable.
/// </summary>
public sealed class CreateTopicsJob(IOptions<KafkaOptions> kafka, IOptions<SchemaRegistryOptions> registry) : IOneShotJob
{
    public const string Command = "create-topics";

    public Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken) =>
        TopicCreator.RunAsync(kafka.Value, registry.Value, kafka.Value.TopicReplicas, output, cancellationToken);
}
