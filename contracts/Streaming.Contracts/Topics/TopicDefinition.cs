using Streaming.Contracts.Avro;

namespace Streaming.Contracts.Topics;

public enum CleanupPolicy { Delete, Compact }

/// <summary>A topic of the catalog: its name, key, payload, partitions and retention.</summary>
public record TopicDefinition(
    string Name,
    string Key,
    Type? PayloadType,
    int Partitions,
    CleanupPolicy Cleanup,
    TimeSpan? Retention)
{
    /// <summary>Where messages that keep failing on this topic go, with the error in headers.</summary>
    public string DeadLetterName => Name + ".dlq";

    public override string ToString() => Name;
}

/// <summary>A topic whose payload is an Avro record of type <typeparamref name="T"/>.</summary>
public sealed record Topic<T>(
    string Name,
    string Key,
    int Partitions,
    CleanupPolicy Cleanup,
    TimeSpan? Retention,
    AvroSerde<T> Serde)
    : TopicDefinition(Name, Key, typeof(T), Partitions, Cleanup, Retention);
