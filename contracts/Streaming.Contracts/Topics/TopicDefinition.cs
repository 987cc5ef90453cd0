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

/// <summary>A topic whose payload is an Avro record: its Schema Registry subject and record name.</summary>
public interface IPayloadTopic
{
    string Name { get; }

    /// <summary>The Schema Registry subject of the value (TopicNameStrategy): <c>&lt;topic&gt;-value</c>.</summary>
    string ValueSubject { get; }

    /// <summary>The Avro record of the payload; its versions are the <c>contracts/avro/&lt;Record&gt;.v&lt;N&gt;.avsc</c> files.</summary>
    string RecordName { get; }
}

/// <summary>
/// A topic whose payload is an Avro record of type <typeparamref name="T"/>, mapped by <see cref="Map"/>.
/// The payload is written in the Confluent wire format through <see cref="TopicSerdes"/> (the schema
/// ids come from the Schema Registry); <see cref="LegacySerde"/> reads what the previous release wrote.
/// </summary>
public sealed record Topic<T>(
    string Name,
    string Key,
    int Partitions,
    CleanupPolicy Cleanup,
    TimeSpan? Retention,
    IAvroMap<T> Map)
    : TopicDefinition(Name, Key, typeof(T), Partitions, Cleanup, Retention), IPayloadTopic
{
    public string ValueSubject => Name + "-value";

    public string RecordName => Map.RecordName;

    /// <summary>The single-object encoding of the previous release (upgrade path, one release).</summary>
    public SingleObjectSerde<T> LegacySerde { get; } = new(Map);
}
