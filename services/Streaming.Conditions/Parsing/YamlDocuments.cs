using System.Globalization;
using System.Text;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Streaming.Conditions.Parsing;

/// <summary>
/// Definitions may be written in YAML; they are converted to JSON (what the config topic stores)
/// before parsing. Unquoted scalars that read as numbers or booleans become JSON numbers/booleans.
/// </summary>
public static class YamlDocuments
{
    /// <summary>The JSON text of a YAML document, or an error message naming the line.</summary>
    public static bool TryConvertToJson(string yaml, out string json, out string? error)
    {
        json = "";
        error = null;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            error = $"not valid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {ex.Message}";
            return false;
        }
        if (stream.Documents.Count != 1)
        {
            error = "expected exactly one YAML document";
            return false;
        }
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            Write(writer, stream.Documents[0].RootNode);
        json = Encoding.UTF8.GetString(buffer.ToArray());
        return true;
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName(((YamlScalarNode)key).Value ?? "");
                    Write(writer, value);
                }
                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                    Write(writer, item);
                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is YamlDotNet.Core.ScalarStyle.Plain)
        {
            if (text is "true" or "True")
            {
                writer.WriteBooleanValue(true);
                return;
            }
            if (text is "false" or "False")
            {
                writer.WriteBooleanValue(false);
                return;
            }
            if (text is "null" or "~" or "")
            {
                writer.WriteNullValue();
                return;
            }
            if (decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                writer.WriteNumberValue(number);
                return;
            }
        }
        writer.WriteStringValue(text);
    }
}
