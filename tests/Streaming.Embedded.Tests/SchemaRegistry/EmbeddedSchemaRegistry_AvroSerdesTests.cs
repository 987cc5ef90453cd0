using Avro.Generic;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;

namespace Streaming.Embedded.Tests.SchemaRegistry;

/// <summary>Confluent's Avro serdes, unchanged, write and read the Confluent wire format through the embedded registry.</summary>
public sealed class EmbeddedSchemaRegistry_AvroSerdesTests
{
    [Fact]
    public async Task EmbeddedSchemaRegistry_lets_the_confluent_avro_deserializer_read_what_the_serializer_wrote_with_a_registered_id()
    {
        await using var registry = await RegistryUnderTest.StartAsync();
        using var producerSide = registry.Client();
        using var consumerSide = registry.Client(); // its own cache: the id is resolved through the registry
        var schema = (Avro.RecordSchema)Avro.Schema.Parse(RegistrySchemas.UserV2);
        var record = new GenericRecord(schema);
        record.Add("id", "u-1");
        record.Add("plan", "gold");
        var context = new SerializationContext(MessageComponentType.Value, "users");

        var bytes = await new AvroSerializer<GenericRecord>(producerSide).SerializeAsync(record, context);
        var read = await new AvroDeserializer<GenericRecord>(consumerSide).DeserializeAsync(bytes, isNull: false, context);
        var latest = await consumerSide.GetLatestSchemaAsync("users-value");

        Assert.Equal(0, bytes[0]); // the Confluent wire format: magic byte, then the schema id (big-endian)
        Assert.Equal(latest.Id, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1, 4)));
        Assert.Equal("u-1", read["id"]);
        Assert.Equal("gold", read["plan"]);
    }
}
