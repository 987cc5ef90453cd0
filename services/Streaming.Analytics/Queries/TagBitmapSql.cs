using System.Globalization;
using System.Text;
using Streaming.Conditions.Model;

namespace Streaming.Analytics.Queries;

/// <summary>
/// The fast form <see cref="TagConditionSql"/> chooses for a condition made only of tags
/// (<c>all</c>/<c>any</c>/<c>not</c> over <c>{"tag": ..}</c>): one scan of <c>tags_current FINAL</c>
/// for the named tags, one person bitmap per tag (<c>groupBitmapStateIf</c>), combined with
/// <c>bitmapAnd</c>/<c>bitmapOr</c>/<c>bitmapAndnot</c>, instead of a GROUP BY over every event.
/// </summary>
/// <remarks>
/// Exact only when the condition is false for a person with none of its tags: then every person it
/// selects holds one of the named tags, so the union of their bitmaps is a large enough universe
/// for <c>not</c>. Otherwise (<c>{"not": {"tag": "churned"}}</c>) the persons without any of
/// the tags count too, and only the general form knows them.
/// </remarks>
internal static class TagBitmapSql
{
    /// <summary>
    /// SELECT person_id of the matching persons, or null when the condition is not made of tags only.
    /// The caller made sure it does not hold for a person with no tag (<see cref="EmptyPerson"/>).
    /// </summary>
    public static string? Sql(Condition condition, SqlParameters p, string database, string tenant)
    {
        var tags = new List<string>();
        if (!Collect(condition, tags) || tags.Count == 0)
            return null;
        var universe = Fold("bitmapOr", tags.Select((_, i) => Bitmap(i)));
        var states = new StringBuilder();
        for (var i = 0; i < tags.Count; i++)
            states.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"groupBitmapStateIf(toUInt64(person_id), tag_id = {p.String(tags[i])}) AS b{i}");
        // Person ids are Int64; toUInt64 is a bijection, so set operations on the UInt64 bitmaps are exact.
        return $"""
            SELECT toInt64(arrayJoin(bitmapToArray(bitmapAnd({universe}, {Expression(condition, tags, universe)})))) AS person_id
            FROM (SELECT {states} FROM {database}.tags_current FINAL WHERE tenant = {p.String(tenant)} AND tag_id IN {p.Strings(tags)} AND member = 1)
            """;
    }

    /// <summary>True when the condition is made of all/any/not and tag members only; collects the tags.</summary>
    private static bool Collect(Condition condition, List<string> tags)
    {
        switch (condition)
        {
            case AllCondition all:
                return all.Conditions.All(c => Collect(c, tags));
            case AnyCondition any:
                return any.Conditions.All(c => Collect(c, tags));
            case NotCondition not:
                return Collect(not.Condition, tags);
            case TagMemberCondition member:
                if (!tags.Contains(member.Tag))
                    tags.Add(member.Tag);
                return true;
            default:
                return false;
        }
    }

    private static string Expression(Condition condition, List<string> tags, string universe) => condition switch
    {
        AllCondition { Conditions.Count: 0 } => universe,
        AnyCondition { Conditions.Count: 0 } => $"bitmapAndnot({universe}, {universe})",
        AllCondition all => Fold("bitmapAnd", all.Conditions.Select(c => Expression(c, tags, universe))),
        AnyCondition any => Fold("bitmapOr", any.Conditions.Select(c => Expression(c, tags, universe))),
        NotCondition not => $"bitmapAndnot({universe}, {Expression(not.Condition, tags, universe)})",
        _ => Bitmap(tags.IndexOf(((TagMemberCondition)condition).Tag)),
    };

    private static string Bitmap(int index) => string.Create(CultureInfo.InvariantCulture, $"b{index}");

    private static string Fold(string function, IEnumerable<string> operands) =>
        operands.Aggregate((left, right) => $"{function}({left}, {right})");
}
