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
    /// <summary>
    /// Problems reading data written with <paramref name="writer"/> by <paramref name="reader"/>, for any Avro
    /// schema (a schema registry holds primitives, enums, arrays, unions as well as records): Avro's schema
    /// resolution rules (<see cref="Schema.CanRead"/>: names, type promotions, enum symbols, union branches),
    /// and for records the field and sample checks of <see cref="Problems(RecordSchema, RecordSchema)"/>.
    /// </summary>
    public static IReadOnlyList<string> Problems(Schema writer, Schema reader)
    {
        var problems = new List<string>();
        // The sample check would fill a recursive record (a linked list, a tree) forever: those get the resolution rules only.
        if (writer is RecordSchema writerRecord && reader is RecordSchema readerRecord && !IsRecursive(writer, []) && !IsRecursive(reader, []))
        {
            try
            {
                problems.AddRange(Problems(writerRecord, readerRecord));
            }
            catch (Exception e) when (e is NotSupportedException or InvalidCastException or ArgumentException)
            {
                // A type the sample cannot fill in (fixed, logical): the resolution rules below still judge it.
            }
        }
        problems.AddRange(MissingEnumSymbols(writer, reader, []));
        if (problems.Count == 0 && !CanRead(reader, writer))
        {
            problems.Add($"{Describe(reader)} cannot read data written with {Describe(writer)}: a type changed to one it does not promote to, "
                + "a name differs, an enum symbol or union branch was removed, or a new field has no default");
        }

        return problems;
    }

    /// <summary>
    /// Enum symbols the writer has and the reader lacks (with no default to fall back on), wherever the enum sits:
    /// Avro's <see cref="Schema.CanRead"/> defers that to the first record carrying such a symbol, which is too late.
    /// </summary>
    private static IEnumerable<string> MissingEnumSymbols(Schema writer, Schema reader, HashSet<(string, string)> visited)
    {
        switch (writer, reader)
        {
            case (UnionSchema union, _):
                return union.Schemas.SelectMany(branch => MissingEnumSymbols(branch, reader, visited));
            case (_, UnionSchema union):
                return union.Schemas.FirstOrDefault(branch => SameType(writer, branch)) is { } match ? MissingEnumSymbols(writer, match, visited) : [];
            case (EnumSchema w, EnumSchema r) when r.Default is null:
                var missing = w.Symbols.Except(r.Symbols).ToList();
                return missing.Count == 0 ? [] : [$"{r.Fullname} lacks the symbol(s) {string.Join(", ", missing)} and has no default to read them as"];
            case (RecordSchema w, RecordSchema r) when visited.Add((w.Fullname, r.Fullname)):
                return r.Fields.Where(f => w.TryGetField(f.Name, out _)).SelectMany(f =>
                {
                    w.TryGetField(f.Name, out var written);
                    return MissingEnumSymbols(written.Schema, f.Schema, visited);
                }).ToList();
            case (ArraySchema w, ArraySchema r):
                return MissingEnumSymbols(w.ItemSchema, r.ItemSchema, visited);
            case (MapSchema w, MapSchema r):
                return MissingEnumSymbols(w.ValueSchema, r.ValueSchema, visited);
            default:
                return [];
        }
    }

    private static bool SameType(Schema a, Schema b) =>
        a.Tag == b.Tag && (a is not NamedSchema named || named.Fullname == ((NamedSchema)b).Fullname);

    private static bool CanRead(Schema reader, Schema writer)
    {
        try
        {
            return reader.CanRead(writer);
        }
        catch (Exception e) when (e is AvroException or InvalidCastException or NotSupportedException or KeyNotFoundException)
        {
            return false; // the library could not even compare them: not compatible
        }
    }

    /// <summary>Whether a record contains itself (through <paramref name="enclosing"/>, the records around this point).</summary>
    private static bool IsRecursive(Schema schema, HashSet<string> enclosing)
    {
        switch (schema)
        {
            case RecordSchema record:
                if (!enclosing.Add(record.Fullname))
                    return true;
                var recursive = record.Fields.Any(f => IsRecursive(f.Schema, enclosing));
                enclosing.Remove(record.Fullname);
                return recursive;
            case UnionSchema union:
                return union.Schemas.Any(s => IsRecursive(s, enclosing));
            case ArraySchema array:
                return IsRecursive(array.ItemSchema, enclosing);
            case MapSchema map:
                return IsRecursive(map.ValueSchema, enclosing);
            default:
                return false;
        }
    }

    private static string Describe(Schema schema) => schema is NamedSchema named ? named.Fullname : schema.Tag.ToString().ToLowerInvariant();

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
