using Confluent.SchemaRegistry;
using Streaming.Contracts.Topics;

namespace Streaming.Contracts.Avro;

/// <summary>
/// What the topics job (<c>create-topics</c>) does in the Schema Registry: for every payload topic, in
/// <see cref="TopicCatalog.Payloads"/> order, sets the subject <c>&lt;topic&gt;-value</c> to BACKWARD
/// compatibility and registers every version of its record from contracts/avro, oldest first. Registering
/// is idempotent (a schema already in the subject keeps its id and version), and a fresh registry hands
/// out the same ids every time because the order is fixed.
/// </summary>
public static class SchemaRegistration
{
    public sealed record Registered(string Subject, string Schema, int Version, int Id);

    /// <summary>Registers everything; a version the registry refuses (incompatible) ends the run with the registry's message.</summary>
    public static async Task<IReadOnlyList<Registered>> RegisterAllAsync(ISchemaRegistryClient registry, CancellationToken cancellationToken = default)
    {
        var registered = new List<Registered>();
        foreach (var topic in TopicCatalog.Payloads)
            registered.AddRange(await RegisterAsync(registry, topic, cancellationToken));
        return registered;
    }

    /// <summary>One topic's subject: BACKWARD, then every version of its record, oldest first.</summary>
    public static async Task<IReadOnlyList<Registered>> RegisterAsync(ISchemaRegistryClient registry, IPayloadTopic topic, CancellationToken cancellationToken = default)
    {
        var registered = new List<Registered>();
        cancellationToken.ThrowIfCancellationRequested();
        await registry.UpdateCompatibilityAsync(Compatibility.Backward, topic.ValueSubject);
        foreach (var version in AvroSchemaRegistry.VersionsOf(topic.RecordName))
        {
            var schema = TopicSerdes.AsRegistrySchema(version.Schema);
            await registry.RegisterSchemaAsync(topic.ValueSubject, schema);
            // The register answer carries only the id; the lookup adds the version.
            var found = await registry.LookupSchemaAsync(topic.ValueSubject, schema, ignoreDeletedSchemas: true);
            registered.Add(new Registered(topic.ValueSubject, $"{version.RecordName}.v{version.Number}", found.Version, found.Id));
        }
        return registered;
    }
}
