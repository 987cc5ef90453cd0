using Streaming.Contracts.Avro;
using Streaming.Contracts.Topics;

namespace Streaming.ServiceDefaults.Kafka;

/// <summary>
/// A message to produce: topic, key and the payload. Built through <see cref="Create{T}"/> (the payload is
/// encoded by the producer, which holds the Schema Registry ids: handlers stay free of them) or from
/// bytes already in the topic's wire format (the gateway's fast encoder).
/// </summary>
public sealed record OutboundMessage
{
    private readonly byte[]? _encoded;
    private readonly Func<TopicSerdes, byte[]>? _encode;

    /// <summary>A message whose value is already encoded in the topic's wire format.</summary>
    public OutboundMessage(TopicDefinition topic, string key, byte[] value)
    {
        Topic = topic;
        Key = key;
        _encoded = value;
    }

    private OutboundMessage(TopicDefinition topic, string key, object payload, Func<TopicSerdes, byte[]> encode)
    {
        Topic = topic;
        Key = key;
        Payload = payload;
        _encode = encode;
    }

    public TopicDefinition Topic { get; }

    public string Key { get; }

    /// <summary>The record, for messages built by <see cref="Create{T}"/>; null for pre-encoded ones.</summary>
    public object? Payload { get; }

    /// <summary>Position of the consumed message this one was made from, sent as <see cref="CauseHeader"/>; null for none.</summary>
    public string? Cause { get; init; }

    /// <summary>The person an <c>events.raw</c> event is known to be about, sent as <see cref="PersonHeader"/>; null for none.</summary>
    public long? Person { get; init; }

    /// <summary>The value as it goes on the wire (Confluent wire format, schema ids from <paramref name="serdes"/>).</summary>
    public byte[] Encode(TopicSerdes serdes) => _encoded ?? _encode!(serdes);

    /// <summary>Headers of the message: trace context and, when known, its cause and its person.</summary>
    public Confluent.Kafka.Headers Headers()
    {
        Confluent.Kafka.Headers headers = [];
        Telemetry.TraceContextHeaders.Inject(System.Diagnostics.Activity.Current, headers);
        if (Cause is not null)
            CauseHeader.Add(headers, Cause);
        if (Person is { } person)
            PersonHeader.Add(headers, person);
        return headers;
    }

    public static OutboundMessage Create<T>(Topic<T> topic, string key, T value) =>
        new(topic, key, value!, serdes => serdes.Serialize(topic, value));
}
