using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Streaming.Contracts.Topics;
using Streaming.Embedded.Kafka;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Tests.Consumers;

namespace Streaming.ServiceDefaults.Tests.Kafka;

/// <summary>The producer's batch path: a batch completes only when Kafka has every message, and
/// fails (never reports success) when Kafka cannot take it.</summary>
public sealed class EventProducer_BatchTests
{
    [Fact]
    public async Task ProduceAll_stores_every_message_in_key_order_when_batch_is_larger_than_the_local_queue()
    {
        using var bed = new KafkaFixture();
        // 30k messages through a producer whose local queue holds 10k: the batch must wait, not fail.
        var config = KafkaClientConfig.Producer(bed.Options, "test");
        config.QueueBufferingMaxMessages = 10_000;
        using var producer = new KafkaEventProducer(config, bed.Serdes, NullLogger<KafkaEventProducer>.Instance);
        const int keys = 30, perKey = 1_000;
        var messages = new List<OutboundMessage>();
        for (var seq = 0; seq < perKey; seq++)
        {
            for (var k = 0; k < keys; k++)
                messages.Add(OutboundMessage.Create(bed.Output, $"k{k}", KafkaFixture.Change($"k{k}", seq)));
        }

        await producer.ProduceAllAsync(messages);

        var stored = bed.ReadAll(bed.Output.Name, KafkaFixture.Partitions, keys * perKey, TimeSpan.FromSeconds(30));
        Assert.Equal(keys * perKey, stored.Count);
        foreach (var byKey in stored.Select(r => bed.Serdes.Deserialize(bed.Output, r.Message.Value)).GroupBy(c => c.Trait))
            Assert.Equal(Enumerable.Range(0, perKey).Select(i => (long)i), byKey.Select(c => c.At));
    }

    [Fact]
    public async Task ProduceAll_fails_instead_of_reporting_success_when_every_broker_is_down()
    {
        using var bed = new KafkaFixture(injectsFaults: true);
        bed.Options.DeliveryTimeoutMs = 1_500;
        using var producer = new KafkaEventProducer(Microsoft.Extensions.Options.Options.Create(bed.Options), bed.Serdes, NullLogger<KafkaEventProducer>.Instance);
        var batch = Enumerable.Range(0, 50).Select(i => OutboundMessage.Create(bed.Output, $"k{i}", KafkaFixture.Change($"k{i}", i))).ToList();
        bed.Kafka.Faults.SetBrokerDown(EmbeddedKafka.AllBrokers);

        var failure = await Assert.ThrowsAsync<ProduceException<byte[], byte[]>>(() => producer.ProduceAllAsync(batch).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(failure.Error.IsError);

        bed.Kafka.Faults.SetBrokerUp(EmbeddedKafka.AllBrokers);
        await producer.ProduceAllAsync(batch).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(50, bed.ReadAll(bed.Output.Name, KafkaFixture.Partitions, 50, TimeSpan.FromSeconds(20)).Count);
    }
}
