using Avro;
using Newtonsoft.Json.Linq;

namespace Streaming.Embedded.SchemaRegistry;

/// <summary>
/// Checks that every field default matches the field's type, as the registry does before registering: the Avro
/// parser accepts <c>{"type": "int", "default": "x"}</c>, and a reader then fails on the first record that needs it.
/// </summary>
internal static class AvroDefaults
{
    /// <summary>The first field whose default does not fit its type, described; null when all fit.</summary>
    public static string? Problem(Schema schema) => Problem(schema, []);

    private static string? Problem(Schema schema, HashSet<string> seen) => schema switch
    {
        RecordSchema record when seen.Add(record.Fullname) => record.Fields
            .Select(f => f.DefaultValue is { } value && !Fits(f.Schema, value)
                ? $"the default {value.ToString(Newtonsoft.Json.Formatting.None)} of {record.Fullname}.{f.Name} is not a {Describe(f.Schema)}"
                : Problem(f.Schema, seen))
            .FirstOrDefault(p => p is not null),
        UnionSchema union => union.Schemas.Select(s => Problem(s, seen)).FirstOrDefault(p => p is not null),
        ArraySchema array => Problem(array.ItemSchema, seen),
        MapSchema map => Problem(map.ValueSchema, seen),
        _ => null,
    };

    /// <summary>Whether a JSON default is a value of the schema (a union's default is of its first branch).</summary>
    private static bool Fits(Schema schema, JToken value) => schema switch
    {
        UnionSchema union => union.Count > 0 && Fits(union[0], value),
        RecordSchema record => value is JObject fields && record.Fields.All(f =>
            fields.TryGetValue(f.Name, out var field) ? Fits(f.Schema, field) : f.DefaultValue is not null),
        ArraySchema array => value is JArray items && items.All(i => Fits(array.ItemSchema, i)),
        MapSchema map => value is JObject entries && entries.Properties().All(e => Fits(map.ValueSchema, e.Value)),
        EnumSchema e => value.Type == JTokenType.String && e.Symbols.Contains(value.Value<string>()),
        FixedSchema f => value.Type == JTokenType.String && value.Value<string>()!.Length == f.Size,
        LogicalSchema logical => Fits(logical.BaseSchema, value),
        _ => schema.Tag switch
        {
            Schema.Type.Null => value.Type == JTokenType.Null,
            Schema.Type.Boolean => value.Type == JTokenType.Boolean,
            Schema.Type.Int => value.Type == JTokenType.Integer && value.Value<long>() is >= int.MinValue and <= int.MaxValue,
            Schema.Type.Long => value.Type == JTokenType.Integer,
            Schema.Type.Float or Schema.Type.Double => value.Type is JTokenType.Integer or JTokenType.Float,
            Schema.Type.String or Schema.Type.Bytes => value.Type == JTokenType.String,
            _ => true,
        },
    };

    private static string Describe(Schema schema) => schema is UnionSchema union && union.Count > 0
        ? Describe(union[0]) + " (a union's default is of its first branch)"
        : schema is NamedSchema named ? named.Fullname : schema.Tag.ToString().ToLowerInvariant();
}
