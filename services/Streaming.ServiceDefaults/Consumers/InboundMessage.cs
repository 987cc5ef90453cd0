using Confluent.Kafka;

namespace Streaming.ServiceDefaults.Consumers;

/// <summary>A consumed message with its position; <see cref="Value"/> is the deserialized payload.</summary>
public sealed record InboundMessage<T>(
    string Topic,
    int Partition,
    long Offset,
    string Key,
    T Value,
    DateTimeOffset Timestamp,
    Headers Headers)
{
    /// <summary>Stable identity of this input ("topic/partition/offset"), for ids derived from their cause.</summary>
    public string Position => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Topic}/{Partition}/{Offset}");
}
