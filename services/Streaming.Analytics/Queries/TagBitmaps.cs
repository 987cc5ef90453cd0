using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Streaming.Analytics.Queries;

/// <summary>
/// An audience condition made only of tags (<c>all</c>/<c>any</c>/<c>not</c> over <c>{"tag":..}</c>)
/// as one scan of <c>tags_current FINAL</c>: one person bitmap per tag (<c>groupBitmapStateIf</c>),
/// combined with <c>bitmapAnd</c>/<c>bitmapOr</c>/<c>bitmapAndnot</c>. Same answer as the general
/// compiler (persons drawn from the positive parts, narrowed by the rest), without a hash set and
/// a second <c>FINAL</c> read per tag.
/// </summary>
internal static class TagBitmaps
{
    /// <summary>SELECT person_id of the matching persons, or null when the condition is not tags only (the caller validated it).</summary>
    public static string? Sql(JsonElement condition, SqlParameters p, string database, string tenant)
    {
        var tags = new List<string>();
        var positive = new List<int>();
        if (!Collect(condition, tags, positive, negated: false) || positive.Count == 0)
            return null;
        var universe = Fold("bitmapOr", positive.Distinct().Select(Bitmap));
        var states = new StringBuilder();
        for (var i = 0; i < tags.Count; i++)
            states.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"groupBitmapStateIf(toUInt64(person_id), tag_id = {p.String(tags[i])}) AS b{i}");
        // Person ids are Int64; toUInt64 is a bijection, so set operations on the UInt64 bitmaps are exact.
        return $"""
            SELECT toInt64(arrayJoin(bitmapToArray(bitmapAnd({universe}, {Expression(condition, tags, universe)})))) AS person_id
            FROM (SELECT {states} FROM {database}.tags_current FINAL WHERE tenant = {p.String(tenant)} AND tag_id IN {p.Strings(tags)} AND member = 1)
            """;
    }

    private static bool Collect(JsonElement node, List<string> tags, List<int> positive, bool negated)
    {
        if (node.ValueKind != JsonValueKind.Object)
            return false;
        if (node.TryGetProperty("all", out var parts) || node.TryGetProperty("any", out parts))
            return parts.ValueKind == JsonValueKind.Array && parts.EnumerateArray().All(part => Collect(part, tags, positive, negated));
        if (node.TryGetProperty("not", out var inner))
            return Collect(inner, tags, positive, !negated);
        if (!node.TryGetProperty("tag", out var tag) || tag.GetString() is not { Length: > 0 } id)
            return false;
        var index = tags.IndexOf(id);
        if (index < 0)
        {
            tags.Add(id);
            index = tags.Count - 1;
        }
        if (!negated)
            positive.Add(index);
        return true;
    }

    private static string Expression(JsonElement node, List<string> tags, string universe)
    {
        if (node.TryGetProperty("all", out var all))
            return Fold("bitmapAnd", all.EnumerateArray().Select(n => Expression(n, tags, universe)));
        if (node.TryGetProperty("any", out var any))
            return Fold("bitmapOr", any.EnumerateArray().Select(n => Expression(n, tags, universe)));
        if (node.TryGetProperty("not", out var inner))
            return $"bitmapAndnot({universe}, {Expression(inner, tags, universe)})";
        return Bitmap(tags.IndexOf(node.GetProperty("tag").GetString()!));
    }

    private static string Bitmap(int index) => string.Create(CultureInfo.InvariantCulture, $"b{index}");

    private static string Fold(string function, IEnumerable<string> operands) =>
        operands.Aggregate((left, right) => $"{function}({left}, {right})");
}
