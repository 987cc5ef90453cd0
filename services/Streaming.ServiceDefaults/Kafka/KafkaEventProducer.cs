using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Streaming.Contracts.Topics;
using Streaming.ServiceDefaults.Options;
using Streaming.ServiceDefaults.Telemetry;

namespace Streaming.ServiceDefaults.Kafka;

/// <summary>The long-lived idempotent producer. One per process, shared by every component.</summary>
public sealed class KafkaEventProducer : IEventProducer, IDisposable
{
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly ILogger<KafkaEventProducer> _logger;

    public KafkaEventProducer(IOptions<KafkaOptions> options, ILogger<KafkaEventProducer> logger)
    {
        _logger = logger;
        _producer = new ProducerBuilder<byte[], byte[]>(KafkaClientConfig.Producer(options.Value, Environment.MachineName))
            .SetErrorHandler((_, error) => _logger.LogWarning("Kafka producer error {Code}: {Reason}", error.Code, error.Reason))
            .Build();
    }

    public int QueuedMessages => _producer.Flush(TimeSpan.Zero);

    public Task ProduceAsync<T>(Topic<T> topic, string key, T value, CancellationToken cancellationToken = default) =>
        ProduceOneAsync(topic.Name, Encoding.UTF8.GetBytes(key), topic.Serde.Serialize(value), null, cancellationToken);

    public Task ProduceAllAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default)
    {
        if (messages.Count == 0)
            return Task.CompletedTask;
        if (messages.Count == 1)
            return ProduceOneAsync(messages[0].Topic.Name, Encoding.UTF8.GetBytes(messages[0].Key), messages[0].Value, null, cancellationToken);
        var tasks = new Task[messages.Count];
        for (var i = 0; i < messages.Count; i++)
            tasks[i] = ProduceOneAsync(messages[i].Topic.Name, Encoding.UTF8.GetBytes(messages[i].Key), messages[i].Value, null, cancellationToken);
        return Task.WhenAll(tasks);
    }

    public Task ProduceRawAsync(string topic, byte[]? key, byte[]? value, Headers headers, CancellationToken cancellationToken = default) =>
        ProduceOneAsync(topic, key, value, headers, cancellationToken);

    private Task ProduceOneAsync(string topic, byte[]? key, byte[]? value, Headers? headers, CancellationToken cancellationToken)
    {
        headers ??= [];
        TraceContextHeaders.Inject(Activity.Current, headers);
        var message = new Message<byte[], byte[]> { Key = key!, Value = value!, Headers = headers };
        // ProduceAsync completes on the broker's acknowledgement (acks=all): that is the durability point.
        return _producer.ProduceAsync(topic, message, cancellationToken);
    }

    public void Dispose()
    {
        try
        {
            _producer.Flush(TimeSpan.FromSeconds(10));
        }
        catch (KafkaException ex)
        {
            _logger.LogWarning(ex, "Kafka producer flush on shutdown failed");
        }
        _producer.Dispose();
    }
}
