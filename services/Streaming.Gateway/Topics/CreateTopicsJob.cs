using Microsoft.Extensions.Options;
using Streaming.ServiceDefaults.Options;
using Streaming.ServiceDefaults.Registration;

namespace Streaming.Gateway.Topics;

/// <summary><c>create-topics</c>: the deployment job that creates the missing catalog topics (Kafka:BootstrapServers, Kafka:TopicReplicationFactor).</summary>
public sealed class CreateTopicsJob(IOptions<KafkaOptions> kafka) : IOneShotJob
{
    public const string Command = "create-topics";

    public Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken) =>
        TopicCreator.RunAsync(kafka.Value, kafka.Value.TopicReplicas, output, cancellationToken);
}
