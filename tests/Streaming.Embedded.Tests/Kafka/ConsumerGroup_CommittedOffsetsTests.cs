using System.Globalization;

namespace Streaming.Embedded.Tests.Kafka;

[Collection(KafkaClusterCollection.Name)]
public sealed class ConsumerGroup_CommittedOffsetsTests(KafkaClusterFixture cluster)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Consumer_resumes_after_the_last_committed_offset_when_restarted_in_the_same_group()
    {
        var topic = cluster.NewTopic(partitions: 1);
        var group = $"{topic}-group";
        using (var producer = KafkaTestClients.Producer(cluster.Kafka.BootstrapServers))
        {
            await KafkaTestClients.ProduceAsync(producer, topic, 100);
        }

        using (var first = KafkaTestClients.Consumer(cluster.Kafka.BootstrapServers, group))
        {
            first.Subscribe(topic);
            for (var i = 0; i < 40; i++)
            {
                var result = first.Consume(Timeout);
                Assert.NotNull(result);
                first.Commit(result);
            }

            // Read further without committing: a restart must deliver these again.
            for (var i = 0; i < 10; i++)
            {
                Assert.NotNull(first.Consume(Timeout));
            }

            first.Close();
        }

        using var second = KafkaTestClients.Consumer(cluster.Kafka.BootstrapServers, group);
        second.Subscribe(topic);
        var rest = new List<int>();
        while (rest.Count < 60)
        {
            var result = second.Consume(Timeout);
            Assert.NotNull(result);
            rest.Add(int.Parse(result.Message.Value, CultureInfo.InvariantCulture));
        }

        second.Close();
        Assert.Equal(Enumerable.Range(40, 60), rest);
    }
}
