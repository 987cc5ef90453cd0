using Confluent.Kafka;

namespace Streaming.Embedded.Tests.Kafka;

/// <summary>Client settings the services use (idempotent producer, cooperative-sticky groups, manual offset storage).</summary>
internal static class KafkaTestClients
{
    public static IProducer<string, string> Producer(string bootstrapServers) =>
        new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            ReconnectBackoffMs = 50,
            ReconnectBackoffMaxMs = 500,
        })
        .SetLogHandler((_, _) => { }) // connection errors are expected in failure tests
        .Build();

    public static IConsumer<string, string> Consumer(string bootstrapServers, string groupId) =>
        new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = groupId,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
            EnableAutoCommit = false,
            // The mock waits session.timeout.ms - 1 s on every rebalance (join, leave, restart).
            SessionTimeoutMs = 2500,
            HeartbeatIntervalMs = 250,
        })
        .SetLogHandler((_, _) => { })
        .Build();

    public static IAdminClient Admin(string bootstrapServers) =>
        new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();

    public static async Task ProduceAsync(IProducer<string, string> producer, string topic, int count)
    {
        var deliveries = Enumerable.Range(0, count)
            .Select(i => producer.ProduceAsync(topic, new Message<string, string> { Key = $"person-{i}", Value = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        await Task.WhenAll(deliveries);
    }
}
