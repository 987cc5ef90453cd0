using Avro;
using Avro.Generic;
using Avro.IO;

namespace Streaming.Contracts.Avro;

/// <summary>
/// Checks that data written with one schema can be read with another: every reader field is either
/// in the writer or has a default, and types resolve. Proven by actually encoding a sample record
/// with the writer schema and decoding it with the reader schema.
/// </summary>
public static class AvroCompatibility
{
    public static IReadOnlyList<string> Problems(RecordSchema writer, RecordSchema reader)
    {
        var problems = new List<string>();
        foreach (var field in reader.Fields)
        {
            if (!writer.TryGetField(field.Name, out var written))
            {
                if (field.DefaultValue is null)
                    problems.Add($"{reader.Name}.{field.Name} is not in the writer schema and has no default");
            }
            else if (!field.Schema.CanRead(written.Schema))
            {
                problems.Add($"{reader.Name}.{field.Name} is written as {written.Schema} and cannot be read as {field.Schema}");
            }
        }
        try
        {
            var sample = Sample(writer);
            using var stream = new MemoryStream();
            new GenericDatumWriter<GenericRecord>(writer).Write(sample, new BinaryEncoder(stream));
            stream.Position = 0;
            new GenericDatumReader<GenericRecord>(writer, reader).Read(null!, new BinaryDecoder(stream));
        }
        catch (AvroException ex)
        {
            problems.Add($"{reader.Name}: {ex.Message}");
        }
        return problems;
    }

    private static GenericRecord Sample(RecordSchema schema)
    {
        var record = new GenericRecord(schema);
        foreach (var field in schema.Fields)
            record.Add(field.Name, SampleValue(field.Schema));
        return record;
    }

    private static object? SampleValue(Schema schema) => schema switch
    {
        UnionSchema union => SampleValue(union.Schemas.First(s => s.Tag != Schema.Type.Null)),
        RecordSchema record => Sample(record),
        ArraySchema array => new[] { SampleValue(array.ItemSchema) },
        MapSchema map => new Dictionary<string, object?> { ["k"] = SampleValue(map.ValueSchema) },
        EnumSchema e => new GenericEnum(e, e.Symbols[0]),
        _ => schema.Tag switch
        {
            Schema.Type.String => "sample",
            Schema.Type.Long => 1L,
            Schema.Type.Int => 1,
            Schema.Type.Boolean => true,
            Schema.Type.Double => 1.5d,
            Schema.Type.Float => 1.5f,
            Schema.Type.Bytes => new byte[] { 1, 0x0A, 0x0A },
            Schema.Type.Null => null,
            _ => throw new NotSupportedException($"No sample for Avro type {schema.Tag}"),
        },
    };
}
