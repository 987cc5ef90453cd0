using System.Diagnostics;
using Confluent.Kafka;

namespace Streaming.Embedded.Tests.Kafka;

[Collection(KafkaClusterCollection.Name)]
public sealed class ConsumerGroup_SplitsPartitionsTests(KafkaClusterFixture cluster)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Consumer_group_of_three_splits_twelve_partitions_and_consumes_every_message_once()
    {
        const int messages = 1200;
        var topic = cluster.NewTopic(partitions: 12);
        var group = $"{topic}-group";
        var consumers = Enumerable.Range(0, 3).Select(_ => KafkaTestClients.Consumer(cluster.Kafka.BootstrapServers, group)).ToList();
        try
        {
            consumers.ForEach(c => c.Subscribe(topic));
            var received = consumers.ToDictionary(c => c, _ => new List<ConsumeResult<string, string>>());

            // Poll all members from one thread until the cooperative-sticky assignment settles.
            PollUntil(consumers, received, () => consumers.All(c => c.Assignment.Count == 4));
            using (var producer = KafkaTestClients.Producer(cluster.Kafka.BootstrapServers))
            {
                await KafkaTestClients.ProduceAsync(producer, topic, messages);
            }

            PollUntil(consumers, received, () => received.Values.Sum(r => r.Count) >= messages);

            var values = received.Values.SelectMany(r => r).Select(r => r.Message.Value).ToList();
            Assert.Equal(messages, values.Count);
            Assert.Equal(messages, values.Distinct().Count());
            var partitionsPerMember = received.Values.Select(r => r.Select(x => x.Partition.Value).Distinct().Count()).ToList();
            Assert.All(partitionsPerMember, count => Assert.Equal(4, count));
            var allPartitions = received.Values.SelectMany(r => r).Select(r => r.Partition.Value).Distinct().Count();
            Assert.Equal(12, allPartitions);
        }
        finally
        {
            consumers.ForEach(c => c.Close());
            consumers.ForEach(c => c.Dispose());
        }
    }

    private static void PollUntil(
        List<IConsumer<string, string>> consumers,
        Dictionary<IConsumer<string, string>, List<ConsumeResult<string, string>>> received,
        Func<bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(clock.Elapsed < Timeout, $"Group did not get there within {Timeout}: assignments {string.Join('/', consumers.Select(c => c.Assignment.Count))}, received {received.Values.Sum(r => r.Count)}.");
            foreach (var consumer in consumers)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(20)) is { IsPartitionEOF: false } result)
                {
                    received[consumer].Add(result);
                }
            }
        }
    }
}
