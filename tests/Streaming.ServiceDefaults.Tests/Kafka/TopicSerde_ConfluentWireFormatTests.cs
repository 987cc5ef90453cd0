using Avro.Generic;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Streaming.Contracts.Avro;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Embedded.SchemaRegistry;

namespace Streaming.ServiceDefaults.Tests.Kafka;

/// <summary>
/// The payloads are Confluent's: what <see cref="TopicSerde{T}"/> writes is byte for byte what
/// <c>AvroSerializer&lt;GenericRecord&gt;</c> writes, <c>AvroDeserializer&lt;GenericRecord&gt;</c> reads
/// it, and the previous release's single-object bytes still read (upgrade path). All against the
/// embedded Schema Registry over HTTP with Confluent's client.
/// </summary>
public sealed class TopicSerde_ConfluentWireFormatTests : IAsyncLifetime
{
    private static readonly IdentifiedEvent Identified = new(42, new TrackingEvent
    {
        MessageId = "m-1",
        Type = "track",
        Event = "Order Completed",
        Tenant = "acme",
        Source = "web",
        UserId = "u-1",
        Timestamp = 1_700_000_000_000,
        ReceivedAt = 1_700_000_000_900,
        Context = "{}",
        Properties = """{"revenue":12.5}""",
        Traits = "{}",
        Integrations = "{}",
    })
    { Identifiers = ["userId:u-1"] };

    private CatalogSchemaRegistry _registry = null!;

    public async Task InitializeAsync() => _registry = await CatalogSchemaRegistry.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    [Fact]
    public async Task TopicSerde_writes_the_bytes_of_confluents_avro_serializer_when_the_schema_is_registered()
    {
        var topic = TopicCatalog.EventsIdentified;
        var ours = _registry.Serdes.Serialize(topic, Identified);

        var record = new GenericRecord(AvroSchemaRegistry.Current(topic.RecordName).Schema);
        topic.Map.Write(record, Identified);
        var serializer = new AvroSerializer<GenericRecord>(_registry.Client, new AvroSerializerConfig { AutoRegisterSchemas = false });
        var confluent = await serializer.SerializeAsync(record, new SerializationContext(MessageComponentType.Value, topic.Name));

        Assert.Equal(confluent, ours);
        Assert.Equal(0, ours[0]);
    }

    [Fact]
    public async Task Confluent_avro_deserializer_reads_every_field_when_topic_serde_wrote_it()
    {
        var topic = TopicCatalog.EventsIdentified;
        var bytes = _registry.Serdes.Serialize(topic, Identified);

        var record = await new AvroDeserializer<GenericRecord>(_registry.Client)
            .DeserializeAsync(bytes, isNull: false, new SerializationContext(MessageComponentType.Value, topic.Name));

        AssertIdentified(topic.Map.Read(record), ["userId:u-1"]);
        Assert.Equal(["userId:u-1"], ((object[])record["identifiers"]).Cast<string>());
    }

    [Fact]
    public void TopicSerde_reads_the_previous_release_single_object_bytes_when_a_topic_still_holds_them()
    {
        var topic = TopicCatalog.EventsIdentified;
        var legacy = topic.LegacySerde.Serialize(Identified);

        Assert.Equal(0xC3, legacy[0]);
        AssertIdentified(_registry.Serdes.Deserialize(topic, legacy), ["userId:u-1"]);
    }

    [Fact]
    public async Task TopicSerde_reads_an_older_registered_version_with_the_defaults_of_the_current_one()
    {
        // IdentifiedEvent.v1 (no identifiers) written by Confluent's serializer under its registered id.
        var topic = TopicCatalog.EventsIdentified;
        var v1 = AvroSchemaRegistry.VersionsOf(topic.RecordName).Single(v => v.Number == 1);
        var record = new GenericRecord(v1.Schema);
        var current = new GenericRecord(AvroSchemaRegistry.Current(topic.RecordName).Schema);
        topic.Map.Write(current, Identified);
        foreach (var field in v1.Schema.Fields)
            record.Add(field.Name, current[field.Name]);
        var bytes = await new AvroSerializer<GenericRecord>(_registry.Client, new AvroSerializerConfig { AutoRegisterSchemas = false })
            .SerializeAsync(record, new SerializationContext(MessageComponentType.Value, topic.Name));

        var read = _registry.Serdes.Deserialize(topic, bytes);

        Assert.NotEqual(_registry.Serdes.For(topic).WriterSchemaId, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1, 4)));
        AssertIdentified(read, []);
    }

    private static void AssertIdentified(IdentifiedEvent read, string[] identifiers)
    {
        Assert.Equal(Identified.PersonId, read.PersonId);
        Assert.Equal(Identified.Event, read.Event);
        Assert.Equal(identifiers, read.Identifiers);
    }

    [Fact]
    public async Task Start_check_names_the_subject_and_the_field_when_the_registered_schema_is_incompatible()
    {
        // A registry where someone registered events.identified-value with personId as a string.
        await using var other = await EmbeddedSchemaRegistry.StartAsync(new EmbeddedSchemaRegistryOptions
        {
            DataPath = Path.Combine(Path.GetTempPath(), "streaming-sr-" + Guid.NewGuid().ToString("N")),
        });
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig
        {
            Url = other.Url.ToString(),
            BasicAuthCredentialsSource = AuthCredentialsSource.UserInfo,
            BasicAuthUserInfo = other.UserInfo,
        });
        await client.RegisterSchemaAsync("events.identified-value", new Schema(
            """{"type":"record","name":"IdentifiedEvent","namespace":"streaming.contracts","fields":[{"name":"personId","type":"string"}]}""", SchemaType.Avro));

        var problems = await new TopicSerdes(client).CheckAsync([TopicCatalog.EventsIdentified]);

        var problem = Assert.Single(problems);
        Assert.Contains("events.identified-value", problem, StringComparison.Ordinal);
        Assert.Contains("personId", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_check_asks_for_the_topics_job_when_a_subject_is_missing()
    {
        await using var empty = await EmbeddedSchemaRegistry.StartAsync(new EmbeddedSchemaRegistryOptions
        {
            DataPath = Path.Combine(Path.GetTempPath(), "streaming-sr-" + Guid.NewGuid().ToString("N")),
        });
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig
        {
            Url = empty.Url.ToString(),
            BasicAuthCredentialsSource = AuthCredentialsSource.UserInfo,
            BasicAuthUserInfo = empty.UserInfo,
        });

        var problem = Assert.Single(await new TopicSerdes(client).CheckAsync([TopicCatalog.ProfilesChanges]));

        Assert.Contains("profiles.changes-value", problem, StringComparison.Ordinal);
        Assert.Contains("create-topics", problem, StringComparison.Ordinal);
    }
}
