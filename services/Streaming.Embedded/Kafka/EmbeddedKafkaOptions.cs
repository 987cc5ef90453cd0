namespace Streaming.Embedded.Kafka;

/// <summary>How to start an <see cref="EmbeddedKafka"/>.</summary>
public sealed record EmbeddedKafkaOptions
{
    /// <summary>Number of mock brokers; ids run from 1 to this number.</summary>
    public int Brokers { get; init; } = 1;

    /// <summary>Topics created before <see cref="EmbeddedKafka.Start(EmbeddedKafkaOptions?)"/> returns.</summary>
    public IReadOnlyList<EmbeddedTopic> Topics { get; init; } = [];

    /// <summary>
    /// How long a new consumer group waits for more members before its first assignment
    /// (Kafka's group.initial.rebalance.delay.ms, 3 s in Kafka and in the mock). Short by
    /// default so a group starts consuming within a second.
    /// </summary>
    public TimeSpan GroupInitialRebalanceDelay { get; init; } = TimeSpan.FromMilliseconds(200);
}

/// <summary>A topic to create on the mock cluster.</summary>
public sealed record EmbeddedTopic(string Name, int Partitions);
