using Confluent.Kafka;
using Streaming.ServiceDefaults.Options;

namespace Streaming.ServiceDefaults.Kafka;

/// <summary>Builds Confluent.Kafka configurations from <see cref="KafkaOptions"/>: one place for client settings.</summary>
public static class KafkaClientConfig
{
    public static ProducerConfig Producer(KafkaOptions options, string clientId) => Apply(new ProducerConfig
    {
        ClientId = clientId,
        Acks = Acks.All,
        EnableIdempotence = true,
        MaxInFlight = 5,
        LingerMs = options.LingerMs,
        MessageTimeoutMs = options.DeliveryTimeoutMs,
        CompressionType = Enum.Parse<CompressionType>(options.Compression, ignoreCase: true),
        QueueBufferingMaxMessages = 500_000,
        BatchNumMessages = 10_000,
        // Partition by murmur2 like the Java client, so every client in every language agrees.
        Partitioner = Partitioner.Murmur2Random,
        // Delivery reports are only checked for their error: copying every message's key, value and
        // headers back into .NET for each report cost CPU per output (the cause header made it more).
        DeliveryReportFields = "status",
    }, options);

    public static ConsumerConfig Consumer(KafkaOptions options, string groupId, string clientId) => Apply(new ConsumerConfig
    {
        GroupId = groupId,
        ClientId = clientId,
        EnableAutoCommit = true,
        AutoCommitIntervalMs = 1000,
        // Offsets are stored only after a message was handled and its outputs acknowledged.
        EnableAutoOffsetStore = false,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
        SessionTimeoutMs = 10_000,
        HeartbeatIntervalMs = 1_000,
        MaxPollIntervalMs = 300_000,
        FetchWaitMaxMs = 50,
        IsolationLevel = IsolationLevel.ReadCommitted,
    }, options);

    public static AdminClientConfig Admin(KafkaOptions options, string clientId) => Apply(new AdminClientConfig
    {
        ClientId = clientId,
    }, options);

    private static T Apply<T>(T config, KafkaOptions options) where T : ClientConfig
    {
        config.BootstrapServers = options.BootstrapServers;
        if (options.SecurityProtocol is not null)
            config.SecurityProtocol = Enum.Parse<SecurityProtocol>(options.SecurityProtocol, ignoreCase: true);
        if (options.SaslMechanism is not null)
            config.SaslMechanism = Enum.Parse<SaslMechanism>(options.SaslMechanism, ignoreCase: true);
        if (options.SaslUsername is not null)
            config.SaslUsername = options.SaslUsername;
        if (options.SaslPassword is not null)
            config.SaslPassword = options.SaslPassword;
        return config;
    }
}
