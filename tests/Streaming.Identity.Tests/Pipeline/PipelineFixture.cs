using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.Redis;
using Streaming.Identity.Graph;
using Streaming.Identity.Pipeline;
using Streaming.Identity.Rules;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Options;
using Streaming.Tests.Helpers;

namespace Streaming.Identity.Tests.Pipeline;

/// <summary>Embedded Kafka with the identity topics, a fresh Redis (redis-server when installed) and the identity pipeline on them.</summary>
public sealed class PipelineFixture : IAsyncDisposable
{
    public const int Partitions = 12;
    public const long Now = 1_800_000_000_000;

    private PipelineFixture(TestRedis redis, ConnectionMultiplexer connection)
    {
        Redis = redis;
        Connection = connection;
        Kafka = EmbeddedKafka.Start(1,
        [
            (TopicCatalog.EventsRaw.Name, Partitions), (TopicCatalog.EventsRaw.DeadLetterName, 1),
            (TopicCatalog.EventsIdentified.Name, Partitions), (TopicCatalog.IdentityMerges.Name, Partitions),
            (TopicCatalog.ConfigDefinitions.Name, 1),
        ]);
        Options = new KafkaOptions { BootstrapServers = Kafka.BootstrapServers, LingerMs = 2, DeliveryTimeoutMs = 10_000 };
        Producer = new KafkaEventProducer(Microsoft.Extensions.Options.Options.Create(Options), SharedSchemaRegistry.Serdes, NullLogger<KafkaEventProducer>.Instance);
        Graph = new IdentityGraph(connection, 64);
    }

    public TestRedis Redis { get; }
    public ConnectionMultiplexer Connection { get; }
    public EmbeddedKafka Kafka { get; }
    public KafkaOptions Options { get; }
    public KafkaEventProducer Producer { get; }
    public IdentityGraph Graph { get; }
    public string Tenant { get; } = "t" + Guid.NewGuid().ToString("N")[..8];

    public static async Task<PipelineFixture> StartAsync()
    {
        var redis = await TestRedis.StartAsync();
        return new PipelineFixture(redis, await ConnectionMultiplexer.ConnectAsync(redis.ClientConfiguration));
    }

    public TrackingEvent Event(string messageId, string type, string? anonymousId, string? userId = null, string? previousId = null, string traits = "{}") => new()
    {
        MessageId = messageId,
        Type = type,
        Event = type == "track" ? "Product Viewed" : null,
        Tenant = Tenant,
        Source = "app",
        AnonymousId = anonymousId,
        UserId = userId,
        PreviousId = previousId,
        Timestamp = Now - 5,
        ReceivedAt = Now,
        Traits = traits,
    };

    /// <summary>Produces events as the gateway does: keyed tenant + (userId, else anonymousId).</summary>
    public Task ProduceAsync(params IEnumerable<TrackingEvent> events) =>
        Producer.ProduceAllAsync([.. events.Select(e => OutboundMessage.Create(TopicCatalog.EventsRaw, PartitionKey.For(e.Tenant, e.BestIdentifier ?? "-"), e))]);

    public ConsumerRuntime<TrackingEvent> Runtime(string group, int maxBatchSize = 500)
    {
        var pipeline = new IdentityPipeline(new TenantRules(IdentityRules.BuiltIn), new StitchPersonsStep(Graph), Graph);
        var subscription = new Subscription<TrackingEvent>(TopicCatalog.EventsRaw, group)
        {
            MaxBatchSize = maxBatchSize,
            InitialBackoff = TimeSpan.FromMilliseconds(10),
            MaxBackoff = TimeSpan.FromMilliseconds(200),
        };
        return new ConsumerRuntime<TrackingEvent>(subscription, pipeline, SharedSchemaRegistry.Serdes, Producer, Options, TimeProvider.System, NullLoggerFactory.Instance);
    }

    public List<(string Key, T Value)> Read<T>(Topic<T> topic, int count, TimeSpan timeout) =>
        [.. ReadRaw(topic.Name, topic.Partitions, count, timeout).Select(r => (System.Text.Encoding.UTF8.GetString(r.Message.Key), SharedSchemaRegistry.Serdes.Deserialize(topic, r.Message.Value)))];

    /// <summary>Every message of a topic: reads until nothing new arrived for a second and a half (or 20 s passed).</summary>
    public List<(string Key, T Value)> ReadAll<T>(Topic<T> topic) =>
        [.. ReadRaw(topic.Name, topic.Partitions, int.MaxValue, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(1.5))
            .Select(r => (System.Text.Encoding.UTF8.GetString(r.Message.Key), SharedSchemaRegistry.Serdes.Deserialize(topic, r.Message.Value)))];

    public List<ConsumeResult<byte[], byte[]>> ReadRaw(string topic, int partitions, int count, TimeSpan timeout, TimeSpan? quiet = null)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = Kafka.BootstrapServers,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var results = new List<ConsumeResult<byte[], byte[]>>();
        var deadline = DateTime.UtcNow + timeout;
        var lastArrival = DateTime.UtcNow;
        while (results.Count < count && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is { IsPartitionEOF: false, Message: not null })
            {
                results.Add(result);
                lastArrival = DateTime.UtcNow;
            }
            else if (quiet is { } q && results.Count > 0 && DateTime.UtcNow - lastArrival > q)
            {
                break;
            }
        }
        return results;
    }

    public async ValueTask DisposeAsync()
    {
        Producer.Dispose();
        Kafka.Dispose();
        await Connection.DisposeAsync();
        Redis.Dispose();
    }
}
