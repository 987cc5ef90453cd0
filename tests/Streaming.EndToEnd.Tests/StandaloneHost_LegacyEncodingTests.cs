using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Streaming.Contracts;
using Streaming.Contracts.Avro;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.ServiceDefaults.Kafka;
using Streaming.Standalone;

namespace Streaming.EndToEnd.Tests;

/// <summary>
/// Upgrade path: events the previous release wrote in the single-object encoding (C3 01) are still
/// processed, live and when the Kafka journal replays them after a restart.
/// </summary>
public sealed class StandaloneHost_LegacyEncodingTests
{
    [Fact]
    public async Task Standalone_processes_single_object_events_and_replays_them_from_its_journal_when_restarted()
    {
        var data = Path.Combine(Path.GetTempPath(), "streaming-e2e-legacy-" + Guid.NewGuid().ToString("N"));
        var options = new StandaloneOptions
        {
            DataDirectory = data,
            HttpPort = 0,
            GrpcPort = 0,
            ClickHousePort = 0,
            RedisPort = 0,
            SchemaRegistryPort = 0,
            WriteKey = "wk_test_legacy_encoding_01",
            AdminKey = "ak_test_legacy_encoding_01",
        };
        var anonymousId = "legacy-" + Guid.NewGuid().ToString("N")[..10];
        var legacy = TopicCatalog.EventsRaw.LegacySerde.Serialize(new TrackingEvent
        {
            MessageId = anonymousId + "-1",
            Type = "track",
            Event = "Old Release",
            Tenant = "default",
            Source = "demo",
            AnonymousId = anonymousId,
            Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ReceivedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Context = "{}",
            Properties = "{}",
            Traits = "{}",
            Integrations = "{}",
        });
        try
        {
            await using (var host = await StandaloneHost.StartAsync(options))
            {
                // Through the host's producer, i.e. into the Kafka journal, as the old release left it.
                await host.Services.GetRequiredService<IEventProducer>().ProduceAllAsync(
                    [new OutboundMessage(TopicCatalog.EventsRaw, PartitionKey.For("default", anonymousId), legacy)]);
                await Eventually.Async("identity resolves the legacy event", () => Task.FromResult(
                    Identified(host, anonymousId + "-1")), Eventually.Limit);
            }
            await using (var restarted = await StandaloneHost.StartAsync(options))
            {
                // The journal replayed the raw bytes: they are still single-object, and still read.
                var replayed = Read(restarted, TopicCatalog.EventsRaw.Name, TopicCatalog.EventsRaw.Partitions)
                    .Single(v => Streaming.Contracts.Avro.WireFormat.IsSingleObject(v));
                var serdes = restarted.Services.GetRequiredService<TopicSerdes>();
                Assert.Equal(anonymousId, serdes.Deserialize(TopicCatalog.EventsRaw, replayed).AnonymousId);
                Assert.NotNull(Identified(restarted, anonymousId + "-1"));
            }
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The identified event of <paramref name="messageId"/> on events.identified, or null.</summary>
    private static string? Identified(StandaloneHost host, string messageId)
    {
        var serdes = host.Services.GetRequiredService<TopicSerdes>();
        return Read(host, TopicCatalog.EventsIdentified.Name, TopicCatalog.EventsIdentified.Partitions)
            .Select(v => serdes.Deserialize(TopicCatalog.EventsIdentified, v))
            .Any(e => e.Event.MessageId == messageId) ? messageId : null;
    }

    private static List<byte[]> Read(StandaloneHost host, string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = host.KafkaBootstrapServers,
            GroupId = "legacy-reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var values = new List<byte[]>();
        var ended = new HashSet<int>();
        var deadline = DateTime.UtcNow + Eventually.Limit;
        while (ended.Count < partitions && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is null)
                continue;
            if (result.IsPartitionEOF)
                ended.Add(result.Partition.Value);
            else if (result.Message?.Value is { } value)
                values.Add(value);
        }
        return values;
    }
}
