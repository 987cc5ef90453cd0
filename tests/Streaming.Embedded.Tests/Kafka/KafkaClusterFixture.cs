using Streaming.Embedded.Kafka;

namespace Streaming.Embedded.Tests.Kafka;

/// <summary>One three-broker mock cluster shared by the tests of the collection; each test takes its own topics.</summary>
public sealed class KafkaClusterFixture : IDisposable
{
    private int _topicCount;

    public EmbeddedKafka Kafka { get; } = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Brokers = 3 });

    /// <summary>Creates a topic no other test uses.</summary>
    public string NewTopic(int partitions, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        var name = $"{test.ToLowerInvariant()}-{Interlocked.Increment(ref _topicCount)}";
        Kafka.CreateTopic(name, partitions);
        return name;
    }

    public void Dispose() => Kafka.Dispose();
}

[CollectionDefinition(Name)]
public sealed class KafkaClusterCollection : ICollectionFixture<KafkaClusterFixture>
{
    public const string Name = "Embedded Kafka cluster";
}
