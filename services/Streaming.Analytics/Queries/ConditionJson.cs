using System.Text.Json;
using Streaming.Conditions.Model;
using Streaming.Conditions.Parsing;

namespace Streaming.Analytics.Queries;

/// <summary>
/// A condition of the language (docs/conditions.md) as a request field carries it: a bare condition,
/// or <c>{"timeZone": .., "condition": ..}</c> (UTC when bare). Used by <c>tagCondition</c> of
/// audiences and <c>persons</c> of trends, funnel, retention and paths.
/// </summary>
internal static class ConditionJson
{
    public static bool IsAbsent(JsonElement node) => node.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;

    /// <summary>The document (null when the field is absent), or every parse error prefixed with <paramref name="field"/>.</summary>
    public static (ConditionDocument? Document, string? Problem) Read(JsonElement node, string field)
    {
        if (IsAbsent(node))
            return (null, null);
        if (node.ValueKind == JsonValueKind.Object && node.TryGetProperty("condition", out _))
        {
            var parsed = ConditionParser.ParseDocument(node);
            return parsed.IsValid ? (parsed.Value, null) : (null, string.Join("; ", parsed.Errors.Select(e => $"{field}.{e}")));
        }
        var bare = ConditionParser.ParseCondition(node, field);
        return bare.IsValid ? (new ConditionDocument(bare.Value!, TimeZoneInfo.Utc), null) : (null, string.Join("; ", bare.Errors));
    }
}
