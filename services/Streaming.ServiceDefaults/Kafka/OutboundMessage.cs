using Streaming.Contracts.Topics;

namespace Streaming.ServiceDefaults.Kafka;

/// <summary>A message to produce: topic, key and the serialized payload. Built through <see cref="Create{T}"/>.</summary>
public sealed record OutboundMessage(TopicDefinition Topic, string Key, byte[] Value)
{
    public static OutboundMessage Create<T>(Topic<T> topic, string key, T value) => new(topic, key, topic.Serde.Serialize(value));
}
