using Microsoft.Extensions.Logging.Abstractions;
using Streaming.Analytics.Pipeline;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Embedded.Kafka;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Options;
using Streaming.Tests.Helpers;
using static Streaming.Analytics.Tests.Events;

namespace Streaming.Analytics.Tests;

[Collection(ClickHouseCollection.Name)]
public sealed class EventsSink_ExactlyOnceTests : IDisposable
{
    private const int Partitions = 3;
    private readonly ClickHouseFixture _fixture;
    private readonly Topic<IdentifiedEvent> _topic;
    private readonly TestKafka _kafka;
    private readonly KafkaOptions _options;
    private readonly KafkaEventProducer _producer;

    public EventsSink_ExactlyOnceTests(ClickHouseFixture fixture)
    {
        this._fixture = fixture;
        _topic = TopicCatalog.EventsIdentified with { Name = "test.identified." + Guid.NewGuid().ToString("N")[..8], Partitions = Partitions };
        _kafka = TestKafka.Start([(_topic.Name, Partitions), (_topic.DeadLetterName, 1)]);
        _options = new KafkaOptions { BootstrapServers = _kafka.BootstrapServers, LingerMs = 2, DeliveryTimeoutMs = 10_000 };
        _producer = new KafkaEventProducer(Microsoft.Extensions.Options.Options.Create(_options), SharedSchemaRegistry.With(_topic), NullLogger<KafkaEventProducer>.Instance);
    }

    [Fact]
    public async Task EventsSink_stores_each_event_once_when_the_topic_is_replayed_from_the_start()
    {
        var db = await _fixture.NewDatabaseAsync();
        const int count = 3_000;
        await ProduceAsync(count);

        var first = new CountingHandler<IdentifiedEvent>(db.EventsSink());
        await RunUntilAsync(first, "sink-a", () => first.Seen >= count);
        // A new group starts from the earliest offsets: a full replay, by a fresh instance with no memory of what it wrote.
        var replay = new CountingHandler<IdentifiedEvent>(db.EventsSink());
        await RunUntilAsync(replay, "sink-b", () => replay.Seen >= count);

        Assert.Equal(count, await db.ScalarAsync($"SELECT count() FROM {db.Name}.events"));
        Assert.Equal(count, await db.ScalarAsync($"SELECT uniqExact(message_id) FROM {db.Name}.events"));
        Assert.Equal(count, replay.Dropped);
    }

    [Fact]
    public async Task BatchWriter_stores_a_batch_once_when_the_same_batch_is_retried()
    {
        var db = await _fixture.NewDatabaseAsync();
        var rows = Enumerable.Range(0, 100)
            .Select(i => MapEventRowStep.From(new InboundMessage<IdentifiedEvent>("events.identified", 0, i, "k", Track("t", i, "View", Day(1, 1)), DateTimeOffset.UtcNow, [])))
            .ToList();
        var token = InsertBatchStep.TokenFor("events.identified/0", 0, 99);

        await db.Writer.InsertAsync("events", MapEventRowStep.Columns, rows, token, default);
        await db.Writer.InsertAsync("events", MapEventRowStep.Columns, rows, token, default);

        Assert.Equal(100, await db.ScalarAsync($"SELECT count() FROM {db.Name}.events"));
    }

    [Fact]
    public async Task EventsSink_loses_nothing_when_clickhouse_is_unreachable_for_a_while()
    {
        using var outage = new TcpGate(_fixture.Port);
        outage.Open();
        var throughGate = new ClickHouse.Driver.ADO.ClickHouseConnectionStringBuilder(_fixture.ConnectionString) { Port = (ushort)outage.Port, Database = "default" };
        var db = await _fixture.NewDatabaseAsync(throughGate.ConnectionString);
        outage.Close();
        const int count = 2_000;
        await ProduceAsync(count);

        var sink = new CountingHandler<IdentifiedEvent>(db.EventsSink());
        var runtime = Runtime(sink, "sink-outage");
        await runtime.StartAsync(default);
        await Task.Delay(1_500);
        var seenDuringOutage = sink.Seen;
        outage.Open();
        var deadline = DateTime.UtcNow + Eventually.Limit;
        while (sink.Seen < count && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        await runtime.StopAsync(default);

        Assert.Equal(0, seenDuringOutage);
        Assert.Equal(count, await db.ScalarAsync($"SELECT count() FROM {db.Name}.events"));
    }

    private async Task ProduceAsync(int count)
    {
        var messages = Enumerable.Range(0, count)
            .Select(i => OutboundMessage.Create(_topic, PartitionKey.For("t", i % 50), Track("t", i % 50, "View", Day(1, 1).AddSeconds(i), messageId: DeterministicId.From("test", i.ToString(System.Globalization.CultureInfo.InvariantCulture)))))
            .ToList();
        await _producer.ProduceAllAsync(messages);
    }

    private ConsumerRuntime<IdentifiedEvent> Runtime(IConsumerHandler<IdentifiedEvent> handler, string group) =>
        new(new Subscription<IdentifiedEvent>(_topic, group) { MaxBatchSize = 700, InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(300) },
            handler, SharedSchemaRegistry.Serdes, _producer, _options, TimeProvider.System, NullLoggerFactory.Instance);

    private async Task RunUntilAsync(IConsumerHandler<IdentifiedEvent> handler, string group, Func<bool> done)
    {
        var runtime = Runtime(handler, group);
        await runtime.StartAsync(default);
        var deadline = DateTime.UtcNow + Eventually.Limit;
        while (!done() && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        await runtime.StopAsync(default);
        Assert.True(done(), "the sink did not see every message within 60 s");
    }

    public void Dispose()
    {
        _producer.Dispose();
        _kafka.Dispose();
    }
}
