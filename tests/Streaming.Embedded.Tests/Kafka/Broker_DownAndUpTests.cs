using Confluent.Kafka;
using Streaming.Embedded.Kafka;

namespace Streaming.Embedded.Tests.Kafka;

public sealed class Broker_DownAndUpTests
{
    [Fact]
    public async Task Producer_delivers_once_the_broker_is_back_when_it_was_down()
    {
        using var kafka = EmbeddedKafka.Start(1, [("clicks", 2)]);
        using var producer = KafkaTestClients.Producer(kafka.BootstrapServers);
        await producer.ProduceAsync("clicks", new Message<string, string> { Key = "a", Value = "before" });

        kafka.SetBrokerDown(EmbeddedKafka.AllBrokers);
        var delivery = producer.ProduceAsync("clicks", new Message<string, string> { Key = "a", Value = "during" });
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(delivery.IsCompleted, "A message was acknowledged while every broker was down.");

        kafka.SetBrokerUp(EmbeddedKafka.AllBrokers);
        var result = await delivery.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(PersistenceStatus.Persisted, result.Status);
    }
}
