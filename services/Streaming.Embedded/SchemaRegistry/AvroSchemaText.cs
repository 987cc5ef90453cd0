using Avro;

namespace Streaming.Embedded.SchemaRegistry;

/// <summary>A schema as registered: the parsed Avro schema and its canonical text (what identifies it and what is served back).</summary>
public sealed record AvroSchemaText(Schema Schema, string Canonical)
{
    /// <summary>
    /// Parses the text of a schema; an invalid one comes back as the registry's 42201 naming the problem.
    /// Whitespace and key order do not matter: two texts of one schema have the same canonical form, so the same id.
    /// </summary>
    public static (AvroSchemaText? Text, RegistryError? Error) Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return (null, RegistryError.InvalidSchema("{schema=\"\"}: the request has no \"schema\" field; send {\"schema\": \"<Avro schema as a JSON string>\"}."));
        try
        {
            var schema = Schema.Parse(text);
            return AvroDefaults.Problem(schema) is { } problem
                ? (null, RegistryError.InvalidSchema($"{{schema={Shorten(text)}}}: {problem}. Give the field a default of its type, or none."))
                : (new AvroSchemaText(schema, schema.ToString()), null);
        }
        catch (Exception e) when (e is AvroException or Newtonsoft.Json.JsonException or ArgumentException or InvalidOperationException
            or FormatException or OverflowException or InvalidCastException or NullReferenceException or KeyNotFoundException)
        {
            // The Avro parser reports malformed schemas with several exception types; every one of them means "not a schema".
            return (null, RegistryError.InvalidSchema($"{{schema={Shorten(text)}}}: {e.Message} Send a valid Avro schema (https://avro.apache.org/docs/current/specification/)."));
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";
}
