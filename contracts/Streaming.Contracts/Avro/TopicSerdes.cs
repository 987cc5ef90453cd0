using System.Collections.Concurrent;
using Avro;
using Confluent.SchemaRegistry;
using Streaming.Contracts.Topics;
using RegistrySchema = Confluent.SchemaRegistry.Schema;

namespace Streaming.Contracts.Avro;

/// <summary>
/// The <see cref="TopicSerde{T}"/> of every topic, bound to one Schema Registry. A process has one
/// (a singleton); <see cref="CheckAsync"/> runs at start, so a service whose schemas are not registered,
/// or that meets an incompatible registered schema, stops before it reads or writes anything.
/// </summary>
public sealed class TopicSerdes(ISchemaRegistryClient registry)
{
    private readonly ConcurrentDictionary<string, object> _serdes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _writerIds = new(StringComparer.Ordinal);

    public ISchemaRegistryClient Registry => registry;

    public TopicSerde<T> For<T>(Topic<T> topic) =>
        (TopicSerde<T>)_serdes.GetOrAdd(topic.Name, _ => new TopicSerde<T>(topic, registry, WriterIdOf(topic)));

    public byte[] Serialize<T>(Topic<T> topic, T value) => For(topic).Serialize(value);

    public T Deserialize<T>(Topic<T> topic, ReadOnlySpan<byte> data) => For(topic).Deserialize(data);

    /// <summary>
    /// For each topic, finds the id of this process's schema in the topic's subject. Returns what is
    /// wrong, naming the subject and the fields (empty when every schema is registered); resolved ids are
    /// kept, so the first message of each topic does not wait for the registry.
    /// </summary>
    public async Task<IReadOnlyList<string>> CheckAsync(IEnumerable<IPayloadTopic> topics, CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        foreach (var topic in topics)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_writerIds.ContainsKey(topic.ValueSubject))
                continue;
            var current = AvroSchemaRegistry.Current(topic.RecordName);
            try
            {
                var registered = await registry.LookupSchemaAsync(topic.ValueSubject, AsRegistrySchema(current.Schema), ignoreDeletedSchemas: true);
                _writerIds[topic.ValueSubject] = registered.Id;
            }
            catch (SchemaRegistryException ex) when (ex.ErrorCode is SchemaRegistryErrors.SubjectNotFound)
            {
                problems.Add($"{topic.ValueSubject}: the subject is not in the Schema Registry; the topics job (create-topics) registers it.");
            }
            catch (SchemaRegistryException ex) when (ex.ErrorCode is SchemaRegistryErrors.SchemaNotFound)
            {
                problems.Add(await MismatchAsync(topic, current));
            }
        }
        return problems;
    }

    /// <summary>The schema text registered for a version: Apache.Avro's form of the .avsc, the same text the serializers look up.</summary>
    public static RegistrySchema AsRegistrySchema(RecordSchema schema) => new(schema.ToString(), SchemaType.Avro);

    private async Task<string> MismatchAsync(IPayloadTopic topic, AvroSchemaRegistry.Version current)
    {
        var latest = await registry.GetLatestSchemaAsync(topic.ValueSubject);
        var mine = $"{current.RecordName}.v{current.Number}";
        if (global::Avro.Schema.Parse(latest.SchemaString) is not RecordSchema registered)
            return $"{topic.ValueSubject}: the registered version {latest.Version} is not an Avro record; this service writes {mine}.";
        // Both directions: this service reads what others wrote under the latest version, and others read what it writes.
        var fields = AvroCompatibility.Problems(writer: registered, reader: current.Schema)
            .Concat(AvroCompatibility.Problems(writer: current.Schema, reader: registered))
            .Distinct()
            .ToList();
        return fields.Count == 0
            ? $"{topic.ValueSubject}: this service's {mine} is not registered (latest is version {latest.Version}, id {latest.Id}); run the topics job (create-topics) of this release."
            : $"{topic.ValueSubject}: the registered version {latest.Version} (id {latest.Id}) is incompatible with this service's {mine}: {string.Join("; ", fields)}.";
    }

    private int WriterIdOf<T>(Topic<T> topic)
    {
        if (_writerIds.TryGetValue(topic.ValueSubject, out var id))
            return id;
        // Only when CheckAsync did not run first (tools, tests): resolve now, once per topic.
        var problems = CheckAsync([topic]).GetAwaiter().GetResult();
        return problems.Count == 0 ? _writerIds[topic.ValueSubject] : throw new InvalidOperationException(problems[0]);
    }
}
