using System.Globalization;
using Confluent.Kafka;
using Streaming.Embedded.Kafka;

namespace Streaming.Embedded.Tests.Kafka;

public sealed class IdempotentProducer_RetriesTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Idempotent_producer_delivers_each_message_once_in_order_when_produce_requests_fail()
    {
        // Error injection is cluster-wide, so this test has a cluster of its own.
        using var kafka = EmbeddedKafka.Start(1, [("orders", 1)]);
        using var producer = KafkaTestClients.Producer(kafka.BootstrapServers);
        await producer.ProduceAsync("orders", new Message<string, string> { Key = "warm-up", Value = "-1" });

        kafka.FailNextRequests(KafkaApiKey.Produce, ErrorCode.Local_Transport, ErrorCode.NotEnoughReplicas, ErrorCode.NotEnoughReplicas);
        await KafkaTestClients.ProduceAsync(producer, "orders", 200);

        using var consumer = KafkaTestClients.Consumer(kafka.BootstrapServers, "readers");
        consumer.Subscribe("orders");
        var values = new List<int>();
        while (values.Count < 201)
        {
            var result = consumer.Consume(Timeout);
            Assert.NotNull(result);
            values.Add(int.Parse(result.Message.Value, CultureInfo.InvariantCulture));
        }

        Assert.Equal(Enumerable.Range(-1, 201), values);
        Assert.Null(consumer.Consume(TimeSpan.FromMilliseconds(500)));
        consumer.Close();
    }
}
