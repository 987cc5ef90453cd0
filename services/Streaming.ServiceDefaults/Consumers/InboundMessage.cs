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
    /// <summary>
    /// The incarnation of the topic this message was read from (<see cref="Kafka.ITopicIncarnations"/>);
    /// empty when unknown (messages made by hand in tests).
    /// </summary>
    public string Incarnation { get; init; } = "";

    /// <summary>
    /// What an offset fence is keyed by: topic, partition and incarnation ("topic/partition@incarnation").
    /// Offsets of another incarnation say nothing about this one, so they never hide its messages.
    /// </summary>
    public string FenceKey => InboundMessage.FenceKeyOf(Topic, Partition, Incarnation);

    /// <summary>Stable identity of this input ("topic/partition@incarnation/offset"), for ids derived from their cause.</summary>
    public string Position => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{FenceKey}/{Offset}");
}

/// <summary>What is shared by every <see cref="InboundMessage{T}"/>, whatever its payload.</summary>
public static class InboundMessage
{
    /// <summary>The fence key of a topic partition in one incarnation ("topic/partition@incarnation").</summary>
    public static string FenceKeyOf(string topic, int partition, string incarnation) => incarnation.Length == 0
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{topic}/{partition}")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{topic}/{partition}@{incarnation}");
}
