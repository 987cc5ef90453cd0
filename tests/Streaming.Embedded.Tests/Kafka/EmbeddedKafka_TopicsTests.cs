using Confluent.Kafka;
using Streaming.Embedded.Kafka;

namespace Streaming.Embedded.Tests.Kafka;

public sealed class EmbeddedKafka_TopicsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void EmbeddedKafka_creates_every_requested_topic_with_its_partition_count()
    {
        using var kafka = EmbeddedKafka.Start(3, [("twelve", 12), ("six", 6), ("one", 1)]);
        using var admin = KafkaTestClients.Admin(kafka.BootstrapServers);

        var metadata = admin.GetMetadata(Timeout);

        var partitions = metadata.Topics.ToDictionary(t => t.Topic, t => t.Partitions.Count);
        Assert.Equal(12, partitions["twelve"]);
        Assert.Equal(6, partitions["six"]);
        Assert.Equal(1, partitions["one"]);
        Assert.Equal(3, metadata.Brokers.Count);
        Assert.All(metadata.Topics, t => Assert.False(t.Error.IsError, t.Error.Reason));
    }

    [Fact]
    public async Task EmbeddedKafka_auto_creates_an_unknown_topic_with_four_partitions_when_a_producer_writes_to_it()
    {
        using var kafka = EmbeddedKafka.Start();
        using var producer = KafkaTestClients.Producer(kafka.BootstrapServers);

        var delivery = await producer.ProduceAsync("never-created", new Message<string, string> { Key = "k", Value = "v" });

        Assert.Equal(PersistenceStatus.Persisted, delivery.Status);
        using var admin = KafkaTestClients.Admin(kafka.BootstrapServers);
        var topic = admin.GetMetadata("never-created", Timeout).Topics.Single();
        Assert.Equal(4, topic.Partitions.Count);
    }

    [Fact]
    public void CreateTopic_throws_and_names_the_topic_when_it_exists_already()
    {
        using var kafka = EmbeddedKafka.Start(1, [("existing", 3)]);

        var error = Assert.Throws<InvalidOperationException>(() => kafka.CreateTopic("existing", 3));

        Assert.Contains("existing", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ErrorCode.TopicAlreadyExists), error.Message, StringComparison.Ordinal);
    }
}
