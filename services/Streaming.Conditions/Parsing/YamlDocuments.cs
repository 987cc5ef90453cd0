using System.Globalization;
using System.Text;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Streaming.Conditions.Parsing;

/// <summary>
/// Definitions may be written in YAML; they are converted to JSON (what the config topic stores)
/// before parsing. Unquoted scalars that read as numbers or booleans become JSON numbers/booleans.
/// Limits: nesting at most <see cref="MaxDepth"/> levels (checked on the event stream before any
/// tree is built, so a 30,000-deep document costs a scan, not a recursion), and at most
/// <see cref="MaxValues"/> values once aliases are expanded (a few hundred bytes of nested aliases
/// would otherwise expand to hundreds of thousands of values).
/// </summary>
public static class YamlDocuments
{
    public const int MaxDepth = 64;
    public const int MaxValues = 10_000;

    /// <summary>
    /// A definition body as JSON: the body itself when it is JSON, converted when it is YAML; the
    /// error (at path <c>$</c>) when the YAML does not read.
    /// </summary>
    public static bool TryReadDefinition(string body, bool isYaml, out string json, out ConditionError? error)
    {
        error = null;
        json = body;
        if (!isYaml)
            return true;
        if (TryConvertToJson(body, out json, out var message))
            return true;
        error = new ConditionError("$", message!);
        return false;
    }

    /// <summary>The JSON text of a YAML document, or an error message naming the line.</summary>
    public static bool TryConvertToJson(string yaml, out string json, out string? error)
    {
        json = "";
        error = null;
        var stream = new YamlStream();
        try
        {
            if (Scan(yaml) is { } tooBig)
            {
                error = tooBig;
                return false;
            }
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
        {
            var budget = MaxValues;
            if (Write(writer, stream.Documents[0].RootNode, ref budget) is { } problem)
            {
                error = problem;
                return false;
            }
        }
        json = Encoding.UTF8.GetString(buffer.ToArray());
        return true;
    }

    /// <summary>Nesting and size on the parser's events, before a tree is built: the problem, or null.</summary>
    private static string? Scan(string yaml)
    {
        var parser = new YamlDotNet.Core.Parser(new StringReader(yaml));
        var depth = 0;
        var values = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart:
                    if (++depth > MaxDepth)
                        return $"nested deeper than {MaxDepth} levels at line {parser.Current.Start.Line}; a definition needs far fewer";
                    values++;
                    break;
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    depth--;
                    break;
                case YamlDotNet.Core.Events.Scalar or YamlDotNet.Core.Events.AnchorAlias:
                    values++;
                    break;
            }
            if (values > MaxValues)
                return $"more than {MaxValues} values (at line {parser.Current!.Start.Line}); split the definition";
        }
        return null;
    }

    private static string? Write(Utf8JsonWriter writer, YamlNode node, ref int budget)
    {
        // Aliases are shared nodes in the tree: every visit counts, so expansion is bounded.
        if (--budget < 0)
            return $"expands to more than {MaxValues} values (aliases repeat what they point to); write the definition out without aliases";
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is not YamlScalarNode scalarKey)
                        return $"a key at line {key.Start.Line} is a list or a mapping; keys are plain names";
                    writer.WritePropertyName(scalarKey.Value ?? "");
                    if (Write(writer, value, ref budget) is { } problem)
                        return problem;
                }
                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    if (Write(writer, item, ref budget) is { } problem)
                        return problem;
                }
                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
        return null;
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
