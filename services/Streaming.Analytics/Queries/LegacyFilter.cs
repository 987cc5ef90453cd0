using System.Globalization;
using System.Text.Json;
using Streaming.Conditions.Model;

namespace Streaming.Analytics.Queries;

/// <summary>
/// The comparison of the analytics API before the condition language, read into the language for
/// one release: <c>{"property": "category", "op": "eq", "value": "beauty"}</c> (filters, audience
/// <c>where</c>) and the same <c>op</c>/<c>value</c> of old audience <c>trait</c> leaves. Ops
/// <c>eq</c>, <c>neq</c> (now <c>ne</c>), <c>contains</c> compare text; <c>gt</c>, <c>gte</c>,
/// <c>lt</c>, <c>lte</c> compare numbers (the value, sent as text or number, becomes a number).
/// The old messages are kept, so a caller still on the old form sees the same 400s.
/// </summary>
internal static class LegacyFilter
{
    public static readonly IReadOnlyList<string> Ops = ["eq", "neq", "gt", "gte", "lt", "lte", "contains"];

    /// <summary>One <c>{"property", "op", "value"}</c> object as an event predicate, or the problem naming the part.</summary>
    public static (PropertyPredicate? Predicate, string? Problem) Predicate(JsonElement node, string field)
    {
        if (node.ValueKind != JsonValueKind.Object)
            return (null, $"{field} must be an object {{\"property\": .., \"op\": .., \"value\": ..}} (got {Kind(node)}).");
        foreach (var key in (string[])["property", "op", "value"])
        {
            if (NotScalar(node, key, field) is { } typeProblem)
                return (null, typeProblem);
        }
        var property = Text(node, "property") ?? "";
        if (string.IsNullOrWhiteSpace(property))
            return (null, $"{field}.property is required (a key of the event's properties).");
        if (RequestLimits.Name(property, $"{field}.property") is { } tooLong)
            return (null, tooLong);
        var segments = property.Split('.');
        if (segments.Any(s => s.Length == 0))
            return (null, $"{field}.property '{property}' has an empty part between dots; a dot walks into a nested object (\"product.sku\").");
        if (Text(node, "value") is not { } text)
            return (null, $"{field}.value is required (the text or number compared with).");
        var (op, value, problem) = Comparison(Text(node, "op") ?? "eq", text, field);
        return problem is null ? (new PropertyPredicate(new FieldPath(FieldRoot.Properties, segments), op, [value]), null) : (null, problem);
    }

    /// <summary>An old op and value as the language's operator and literal, or the problem naming <c>{field}.op</c> / <c>{field}.value</c>.</summary>
    public static (ComparisonOperator Op, Scalar Value, string? Problem) Comparison(string op, string value, string field)
    {
        if (!Ops.Contains(op))
            return (default, default, $"{field}.op '{op}' is unknown: use one of {string.Join(", ", Ops)} (or the condition language's ops, docs/conditions.md).");
        if (RequestLimits.Value(value, $"{field}.value") is { } tooLong)
            return (default, default, tooLong);
        if (op is "eq" or "neq" or "contains")
            return (op switch { "eq" => ComparisonOperator.Eq, "neq" => ComparisonOperator.Ne, _ => ComparisonOperator.Contains }, Scalar.Of(value), null);
        if (!decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return (default, default, $"{field}.value must be a number for op '{op}'.");
        var ordered = op switch { "gt" => ComparisonOperator.Gt, "gte" => ComparisonOperator.Gte, "lt" => ComparisonOperator.Lt, _ => ComparisonOperator.Lte };
        return (ordered, Scalar.Of(number), null);
    }

    /// <summary>A problem when <paramref name="name"/> is there but not a string, number or boolean.</summary>
    public static string? NotScalar(JsonElement node, string name, string path) =>
        node.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Null
            ? $"{path}.{name} must be a string or a number (got {Kind(value)})."
            : null;

    /// <summary>A string as it is, a number or boolean as its JSON text (the old API compared their text).</summary>
    public static string? Text(JsonElement node, string name) =>
        node.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;

    public static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.Null => "null",
        JsonValueKind.Number => "a number",
        JsonValueKind.String => "a string",
        _ => "a boolean",
    };
}
