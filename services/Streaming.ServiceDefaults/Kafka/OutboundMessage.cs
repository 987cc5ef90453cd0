using Streaming.Contracts.Topics;

namespace Streaming.ServiceDefaults.Kafka;

/// <summary>A message to produce: topic, key and the serialized payload. Built through <see cref="Create{T}"/>.</summary>
public sealed record OutboundMessage(TopicDefinition Topic, string Key, byte[] Value)
{
    /// <summary>Position of the consumed message this one was made from, sent as <see cref="CauseHeader"/>; null for none.</summary>
    public string? Cause { get; init; }

    /// <summary>Headers of the message: trace context and, when known, its cause.</summary>
    public Confluent.Kafka.Headers Headers()
    {
        Confluent.Kafka.Headers headers = [];
        Telemetry.TraceContextHeaders.Inject(System.Diagnostics.Activity.Current, headers);
        if (Cause is not null)
            CauseHeader.Add(headers, Cause);
        return headers;
    }

    public static OutboundMessage Create<T>(Topic<T> topic, string key, T value) => new(topic, key, topic.Serde.Serialize(value));
}
