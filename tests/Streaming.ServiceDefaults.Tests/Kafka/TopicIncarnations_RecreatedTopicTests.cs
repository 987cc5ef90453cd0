using Streaming.Embedded.Kafka;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Options;

namespace Streaming.ServiceDefaults.Tests.Kafka;

public sealed class TopicIncarnations_RecreatedTopicTests
{
    [Fact]
    public async Task KafkaTopicIncarnations_gives_a_new_incarnation_when_the_topic_is_created_again()
    {
        string first, again, recreated;
        using (var kafka = EmbeddedKafka.Start(1, [("incarnation.test", 3)]))
        using (var incarnations = new KafkaTopicIncarnations(new KafkaOptions { BootstrapServers = kafka.BootstrapServers }))
        {
            first = await incarnations.GetAsync("incarnation.test");
            again = await incarnations.GetAsync("incarnation.test");
        }
        using (var kafka = EmbeddedKafka.Start(1, [("incarnation.test", 3)]))
        using (var incarnations = new KafkaTopicIncarnations(new KafkaOptions { BootstrapServers = kafka.BootstrapServers }))
            recreated = await incarnations.GetAsync("incarnation.test");

        Assert.False(string.IsNullOrEmpty(first));
        Assert.Equal(first, again);
        Assert.NotEqual(KafkaTopicIncarnations.Legacy, first);
        Assert.NotEqual(first, recreated);
    }
}
