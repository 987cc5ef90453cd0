using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Streaming.Contracts;
using Streaming.Contracts.Avro;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.SchemaRegistry;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Options;

namespace Streaming.ServiceDefaults.Tests.Consumers;

/// <summary>Kafka per test (<see cref="TestKafka"/>: embedded, or a container under STREAMING_TEST_INFRA=containers) with an input topic, its dead-letter topic and an output topic.</summary>
public sealed class KafkaFixture : IDisposable
{
    public const int Partitions = 12;

    /// <param name="injectsFaults">The test takes brokers down, so it needs the embedded mock cluster.</param>
    public KafkaFixture(bool injectsFaults = false)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        Input = TopicCatalog.ProfilesChanges with { Name = $"test.input.{suffix}", Partitions = Partitions };
        Output = TopicCatalog.ProfilesChanges with { Name = $"test.output.{suffix}", Partitions = Partitions };
        Kafka = TestKafka.Start([(Input.Name, Partitions), (Input.DeadLetterName, 1), (Output.Name, Partitions)], injectsFaults);
        Options = new KafkaOptions { BootstrapServers = Kafka.BootstrapServers, LingerMs = 2, DeliveryTimeoutMs = 10_000 };
        Registry = CatalogSchemaRegistry.Start(Input, Output);
        Producer = new KafkaEventProducer(Microsoft.Extensions.Options.Options.Create(Options), Serdes, NullLogger<KafkaEventProducer>.Instance);
    }

    public TestKafka Kafka { get; }
    public CatalogSchemaRegistry Registry { get; }
    public TopicSerdes Serdes => Registry.Serdes;
    public Topic<ProfileChange> Input { get; }
    public Topic<ProfileChange> Output { get; }
    public KafkaOptions Options { get; }
    public KafkaEventProducer Producer { get; }

    public static ProfileChange Change(string key, int sequence) => new()
    {
        ChangeId = $"{key}#{sequence}",
        Tenant = "t",
        PersonId = sequence,
        Kind = ProfileChangeKind.TraitChanged,
        Trait = key,
        At = sequence,
    };

    /// <summary>Produces <paramref name="perKey"/> numbered messages for each of <paramref name="keys"/> keys.</summary>
    public async Task ProduceSequencesAsync(int keys, int perKey)
    {
        var messages = new List<OutboundMessage>(keys * perKey);
        for (var seq = 0; seq < perKey; seq++)
        {
            for (var k = 0; k < keys; k++)
                messages.Add(OutboundMessage.Create(Input, $"k{k}", Change($"k{k}", seq)));
        }

        await Producer.ProduceAllAsync(messages);
    }

    public ConsumerRuntime<ProfileChange> Runtime(IConsumerHandler<ProfileChange> handler, string group, Func<Subscription<ProfileChange>, Subscription<ProfileChange>>? configure = null)
    {
        var subscription = new Subscription<ProfileChange>(Input, group) { InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(200) };
        return new ConsumerRuntime<ProfileChange>(configure?.Invoke(subscription) ?? subscription, handler, Serdes, Producer, Options, TimeProvider.System, NullLoggerFactory.Instance);
    }

    /// <summary>Reads every message of a topic from the beginning until <paramref name="count"/> arrived or the time is up.</summary>
    public List<ConsumeResult<byte[], byte[]>> ReadAll(string topic, int partitions, int count, TimeSpan timeout)
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
        while (results.Count < count && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is { IsPartitionEOF: false, Message: not null })
                results.Add(result);
        }
        return results;
    }

    /// <summary>Waits for <paramref name="condition"/>, for at least <see cref="Eventually.Limit"/> (see <see cref="Eventually"/>).</summary>
    public static Task WaitUntil(Func<bool> condition, TimeSpan timeout, string what) => Eventually.UntilAsync(condition, what, timeout);

    public void Dispose()
    {
        Producer.Dispose();
        Kafka.Dispose();
        Registry.Dispose();
    }
}

/// <summary>Records what it sees; optionally slow, held, failing or producing outputs with ids derived from the input.</summary>
public sealed class RecordingHandler : IConsumerHandler<ProfileChange>
{
    public ConcurrentQueue<(string Key, int Sequence, string Position)> Seen { get; } = new();
    public TimeSpan DelayPerBatch { get; set; }
    public Func<ProfileChange, Exception?> FailWith { get; set; } = _ => null;
    public Topic<ProfileChange>? OutputTopic { get; set; }
    /// <summary>The first batch waits (up to a minute) until this is true: a deterministic "worker falls behind".</summary>
    public Func<bool>? HoldFirstBatchUntil { get; set; }
    /// <summary>Once this many messages were seen, every later batch waits until the runtime cancels it (a stop mid-batch).</summary>
    public int? HoldUntilCancelledAfter { get; set; }
    private int _batches;
    public int Batches => Volatile.Read(ref _batches);

    public async Task<IReadOnlyList<HandlerOutcome>> HandleAsync(IReadOnlyList<InboundMessage<ProfileChange>> batch, CancellationToken cancellationToken)
    {
        var number = Interlocked.Increment(ref _batches);
        if (number == 1 && HoldFirstBatchUntil is { } released)
        {
            var deadline = DateTime.UtcNow + Eventually.Limit;
            while (!released() && DateTime.UtcNow < deadline)
                await Task.Delay(10, cancellationToken);
        }
        if (Seen.Count >= HoldUntilCancelledAfter)
            await Task.Delay(Timeout.Infinite, cancellationToken);
        if (DelayPerBatch > TimeSpan.Zero)
            await Task.Delay(DelayPerBatch, cancellationToken);
        var outcomes = new List<HandlerOutcome>(batch.Count);
        foreach (var message in batch)
        {
            if (FailWith(message.Value) is { } failure)
                throw failure;
            if (message.Value.Trait == "reject")
            {
                outcomes.Add(HandlerOutcome.DeadLetter("trait 'reject' is not allowed"));
                continue;
            }
            Seen.Enqueue((message.Key, (int)message.Value.PersonId, message.Position));
            outcomes.Add(OutputTopic is null
                ? HandlerOutcome.Done
                : HandlerOutcome.Continue(OutboundMessage.Create(OutputTopic, message.Key,
                    message.Value with { ChangeId = DeterministicId.From("test-output", message.Value.ChangeId) })));
        }
        return outcomes;
    }
}
