using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Streaming.Contracts.Avro;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.SchemaRegistry;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Bench.Scenarios;

/// <summary>
/// Messages/s through the consumer runtime with a trivial handler on 12 partitions, next to a bare
/// Confluent.Kafka consume loop over the same messages in the same run (the limit).
/// </summary>
public sealed class RuntimeScenario : IBenchScenario
{
    public string Name => "runtime";
    public string Description => "consumer runtime vs bare consume loop, 12 partitions (--messages N)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var count = args.Length > 1 && args[0] == "--messages" ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 500_000;
        var topic = TopicCatalog.EventsRaw with { Name = "bench.runtime" };
        using var kafka = EmbeddedKafka.Start(1, [(topic.Name, 12), (topic.DeadLetterName, 1)]);
        var options = new KafkaOptions { BootstrapServers = kafka.BootstrapServers };
        await using var registry = await CatalogSchemaRegistry.StartAsync(topic);
        using var producer = new KafkaEventProducer(Microsoft.Extensions.Options.Options.Create(options), registry.Serdes, NullLogger<KafkaEventProducer>.Instance);

        Console.WriteLine($"machine: {Measure.Machine}");
        Console.WriteLine($"producing {count:N0} events ...");
        var produce = Stopwatch.StartNew();
        for (var offset = 0; offset < count; offset += 50_000)
        {
            var batch = Enumerable.Range(offset, Math.Min(50_000, count - offset)).Select(i => OutboundMessage.Create(topic, $"u{i % 10_000}", Event(i))).ToList();
            await producer.ProduceAllAsync(batch, cancellationToken);
        }
        Console.WriteLine($"produced in {produce.Elapsed.TotalSeconds:F2} s ({count / produce.Elapsed.TotalSeconds:N0}/s)");

        var bare = BareLoop(kafka.BootstrapServers, registry.Serdes.For(topic), count);
        Console.WriteLine($"bare consume loop (deserialize only): {bare:N0} msg/s");

        var handler = new CountingHandler();
        var runtime = new ConsumerRuntime<TrackingEvent>(new Subscription<TrackingEvent>(topic, "bench-runtime"), handler, registry.Serdes, producer, options,
            TimeProvider.System, NullLoggerFactory.Instance);
        var cpu = Measure.CpuTime();
        var clock = Stopwatch.StartNew();
        await runtime.StartAsync(cancellationToken);
        while (handler.Count < count && !cancellationToken.IsCancellationRequested)
            await Task.Delay(20, cancellationToken);
        var elapsed = clock.Elapsed;
        var cpuUsed = Measure.CpuTime() - cpu;
        await runtime.StopAsync(CancellationToken.None);
        var rate = count / elapsed.TotalSeconds;
        Console.WriteLine($"consumer runtime (trivial handler):   {rate:N0} msg/s, CPU {cpuUsed.TotalSeconds:F1} s, RSS {Measure.RssBytes() / (1 << 20)} MiB");
        Console.WriteLine($"runtime / bare: {rate / bare:P0}");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            scenario = Name,
            messages = count,
            runtime_msgs_per_s = Math.Round(rate),
            bare_msgs_per_s = Math.Round(bare),
            share_of_bare = Math.Round(rate / bare, 3),
            rss_mib = Measure.RssBytes() / (1 << 20),
        }));
        return 0;
    }

    private static double BareLoop(string bootstrap, TopicSerde<TrackingEvent> serde, int count)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "bench-bare",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = true,
        }).Build();
        consumer.Subscribe(serde.Topic.Name);
        var seen = 0;
        Stopwatch? clock = null;
        while (seen < count)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(5));
            if (result?.Message is null)
                continue;
            clock ??= Stopwatch.StartNew();
            _ = serde.Deserialize(result.Message.Value);
            seen++;
        }
        var rate = seen / clock!.Elapsed.TotalSeconds;
        consumer.Close();
        return rate;
    }

    private static TrackingEvent Event(int i) => new()
    {
        MessageId = $"m{i}",
        Type = "track",
        Event = "Product Viewed",
        Tenant = "bench",
        Source = "web",
        UserId = $"u{i % 10_000}",
        Timestamp = 1_700_000_000_000 + i,
        ReceivedAt = 1_700_000_000_000 + i,
        Properties = """{"product_id":"p-123","price":19.99,"category":"beauty"}""",
    };

    private sealed class CountingHandler : IConsumerHandler<TrackingEvent>
    {
        private long _count;
        public long Count => Interlocked.Read(ref _count);

        public Task<IReadOnlyList<HandlerOutcome>> HandleAsync(IReadOnlyList<InboundMessage<TrackingEvent>> batch, CancellationToken cancellationToken)
        {
            Interlocked.Add(ref _count, batch.Count);
            var outcomes = new HandlerOutcome[batch.Count];
            Array.Fill(outcomes, HandlerOutcome.Done);
            return Task.FromResult<IReadOnlyList<HandlerOutcome>>(outcomes);
        }
    }
}
