using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Streaming.Contracts.Avro;
using Streaming.Contracts.Topics;
using Streaming.ServiceDefaults.Options;
using Streaming.ServiceDefaults.Telemetry;

namespace Streaming.ServiceDefaults.Kafka;

/// <summary>The long-lived idempotent producer. One per process, shared by every component.</summary>
public sealed class KafkaEventProducer : IEventProducer, IDisposable
{
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly ILogger<KafkaEventProducer> _logger;
    private readonly TopicSerdes _serdes;

    public KafkaEventProducer(IOptions<KafkaOptions> options, TopicSerdes serdes, ILogger<KafkaEventProducer> logger)
        : this(KafkaClientConfig.Producer(options.Value, Environment.MachineName), serdes, logger)
    {
    }

    /// <summary>A producer with an explicit librdkafka configuration (tools and tests).</summary>
    public KafkaEventProducer(ProducerConfig config, TopicSerdes serdes, ILogger<KafkaEventProducer> logger)
    {
        _logger = logger;
        _serdes = serdes;
        _producer = new ProducerBuilder<byte[], byte[]>(config)
            .SetErrorHandler((_, error) => _logger.LogWarning("Kafka producer error {Code}: {Reason}", error.Code, error.Reason))
            .Build();
    }

    public Task ProduceAsync<T>(Topic<T> topic, string key, T value, CancellationToken cancellationToken = default) =>
        ProduceOneAsync(topic.Name, Encoding.UTF8.GetBytes(key), _serdes.Serialize(topic, value), null, cancellationToken);

    public Task ProduceAllAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default)
    {
        if (messages.Count == 0)
            return Task.CompletedTask;
        if (messages.Count == 1)
            return ProduceOneAsync(messages[0].Topic.Name, Encoding.UTF8.GetBytes(messages[0].Key), messages[0].Encode(_serdes), messages[0].Headers(), cancellationToken);
        return ProduceBatchAsync(messages, cancellationToken);
    }

    // One completion for the whole batch instead of a Task per message: delivery reports count down,
    // the first failure fails the batch (after every report is in, so nothing is still in flight).
    private async Task ProduceBatchAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var batch = new BatchDelivery(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(messages[i].Key), Value = messages[i].Encode(_serdes), Headers = messages[i].Headers() };
            while (true)
            {
                try
                {
                    _producer.Produce(messages[i].Topic.Name, message, batch.OnDelivery);
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    // The local queue is full: let librdkafka drain it rather than failing the batch.
                    await Task.Delay(5, CancellationToken.None);
                }
                catch (Exception e)
                {
                    batch.Abandon(messages.Count - i, e);
                    await batch.Task;
                    return;
                }
            }
        }

        await batch.Task;
    }

    private sealed class BatchDelivery(int count)
    {
        private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _remaining = count;
        private Exception? _failure;

        public Task Task => _completion.Task;

        public void OnDelivery(DeliveryReport<byte[], byte[]> report)
        {
            if (report.Error.IsError)
                Interlocked.CompareExchange(ref _failure, new ProduceException<byte[], byte[]>(report.Error, report), null);
            CountDown(1);
        }

        /// <summary>The messages from the failed one on were never handed to the producer.</summary>
        public void Abandon(int notSent, Exception error)
        {
            Interlocked.CompareExchange(ref _failure, error, null);
            CountDown(notSent);
        }

        private void CountDown(int delivered)
        {
            if (Interlocked.Add(ref _remaining, -delivered) != 0)
                return;
            if (_failure is null)
                _completion.TrySetResult();
            else
                _completion.TrySetException(_failure);
        }
    }

    public Task ProduceRawAsync(string topic, byte[]? key, byte[]? value, Headers headers, CancellationToken cancellationToken = default) =>
        ProduceOneAsync(topic, key, value, headers, cancellationToken);

    private Task<DeliveryResult<byte[], byte[]>> ProduceOneAsync(string topic, byte[]? key, byte[]? value, Headers? headers, CancellationToken cancellationToken)
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
