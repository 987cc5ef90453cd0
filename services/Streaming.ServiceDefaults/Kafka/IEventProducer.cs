using Confluent.Kafka;
using Streaming.Contracts.Topics;

namespace Streaming.ServiceDefaults.Kafka;

/// <summary>
/// The one producer of a process: idempotent, acks=all, compressed. Every call completes only when
/// the broker acknowledged the message(s); a failure throws <see cref="ProduceException{TKey,TValue}"/>
/// (queue full, delivery timeout, broker unavailable).
/// </summary>
public interface IEventProducer
{
    Task ProduceAsync<T>(Topic<T> topic, string key, T value, CancellationToken cancellationToken = default);

    /// <summary>Produces all messages and waits for every acknowledgement (order per key is kept).</summary>
    Task ProduceAllAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>Produces bytes as they are (dead letters): extra headers are added to the message.</summary>
    Task ProduceRawAsync(string topic, byte[]? key, byte[]? value, Headers headers, CancellationToken cancellationToken = default);
}
