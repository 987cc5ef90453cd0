using System.Globalization;
using System.Text.Json;
using Streaming.Conditions.Model;
using Streaming.Conditions.Parsing;

namespace Streaming.Analytics.Queries;

/// <summary>
/// The audience language before the condition language (<c>condition</c> of audiences/count and
/// audiences/export), read into the condition language for one release. Each old shape becomes:
/// <list type="bullet">
/// <item><c>{"tag": "vip"}</c>: <c>{"tag": "vip"}</c> (unchanged);</item>
/// <item><c>{"trait": "age", "op": "gte", "value": "25"}</c>: <c>{"trait": "age", "op": "gte", "value": 25}</c> (<see cref="LegacyFilter.Comparison"/>);</item>
/// <item><c>{"event": E, "atLeast": n, "withinDays": d, "where": [..]}</c>:
/// <c>{"metric": {"fn": "count", "event": {"name": E, "where": [..]}, "window": "dd"}, "op": "gte", "value": n}</c>;</item>
/// <item><c>all</c>/<c>any</c>/<c>not</c>: the same nodes.</item>
/// </list>
/// The old language drew persons from the parts outside <c>not</c> (a condition needed one); the
/// new one from every person with an event, a named trait or a named tag. So a condition with a
/// <c>not</c> is wrapped as <c>{"all": [C, {"any": [parts outside not]}]}</c>, which selects exactly
/// the old persons (without a <c>not</c>, C already implies one of its parts).
/// </summary>
internal sealed class LegacyAudience
{
    private readonly List<Condition> _positive = [];
    private int _depth;
    private int _leaves;
    private bool _negations;

    /// <summary>The condition in the condition language, or the problem naming the part at fault (the old messages).</summary>
    public static (Condition? Condition, string? Problem) Translate(JsonElement condition)
    {
        if (JsonTexts.Unreadable(condition, "condition").FirstOrDefault() is ({ } path, var key))
        {
            return (null, key
                ? $"{path} has a key that is not valid Unicode (a lone surrogate escape such as \\ud800)."
                : $"{path} is not valid Unicode (a lone surrogate escape such as \\ud800); send the text as UTF-8.");
        }
        var reader = new LegacyAudience();
        var (translated, problem) = reader.Node(condition, "condition", negated: false);
        if (problem is not null)
            return (null, problem);
        if (reader._positive.Count == 0)
            return (null, "condition needs at least one part outside 'not' (e.g. {\"all\":[{\"tag\":\"buyers\"},{\"not\":{\"tag\":\"churned\"}}]}).");
        if (!reader._negations || translated is AllCondition all && all.Conditions.Any(c => c is not (AllCondition or AnyCondition or NotCondition)))
            return (translated, null);
        var drawn = reader._positive.DistinctBy(ConditionWriter.Write).ToList();
        return (new AllCondition([translated!, drawn.Count == 1 ? drawn[0] : new AnyCondition(drawn)]), null);
    }

    private (Condition? Condition, string? Problem) Node(JsonElement node, string path, bool negated)
    {
        if (node.ValueKind != JsonValueKind.Object)
            return (null, $"{path} must be an object such as {{\"tag\":\"vip\"}}, {{\"all\":[..]}}, {{\"any\":[..]}} or {{\"not\":{{..}}}}.");
        if (_depth >= RequestLimits.MaxAudienceDepth)
            return (null, $"{path} is nested deeper than {RequestLimits.MaxAudienceDepth} levels of all/any/not; flatten the condition.");
        var isAll = node.TryGetProperty("all", out var parts);
        if (isAll || node.TryGetProperty("any", out parts))
        {
            var name = isAll ? "all" : "any";
            if (parts.ValueKind != JsonValueKind.Array || parts.GetArrayLength() == 0)
                return (null, $"{path}.{name} must be a non-empty array of conditions.");
            var children = new List<Condition>();
            var i = 0;
            _depth++;
            foreach (var child in parts.EnumerateArray())
            {
                var (translated, problem) = Node(child, $"{path}.{name}[{i++}]", negated);
                if (problem is not null)
                    return (null, problem);
                children.Add(translated!);
            }
            _depth--;
            return (isAll ? new AllCondition(children) : new AnyCondition(children), null);
        }
        if (node.TryGetProperty("not", out var inner))
        {
            _negations = true;
            _depth++;
            var (translated, problem) = Node(inner, path + ".not", !negated);
            _depth--;
            return problem is null ? (new NotCondition(translated!), null) : (null, problem);
        }
        if (++_leaves > RequestLimits.MaxAudienceLeaves)
            return (null, $"{path}: the condition has more than {RequestLimits.MaxAudienceLeaves} parts (tag, trait, event); split it, or make a tag of a part.");
        var (leaf, leafProblem) = Leaf(node, path);
        if (leafProblem is null && !negated)
            _positive.Add(leaf!);
        return (leaf, leafProblem);
    }

    private static (Condition? Leaf, string? Problem) Leaf(JsonElement node, string path)
    {
        if (node.TryGetProperty("tag", out var tag))
        {
            if (tag.ValueKind != JsonValueKind.String || tag.GetString() is not { Length: > 0 } tagId)
                return (null, $"{path}.tag must be a tag id.");
            return RequestLimits.Name(tagId, $"{path}.tag") is { } tooLong ? (null, tooLong) : (new TagMemberCondition(tagId), null);
        }
        if (node.TryGetProperty("trait", out var trait))
            return Trait(node, trait, path);
        if (node.TryGetProperty("event", out var ev))
            return Event(node, ev, path);
        return (null, $"{path} is not a condition: use tag, trait, event, all, any or not.");
    }

    private static (Condition? Leaf, string? Problem) Trait(JsonElement node, JsonElement trait, string path)
    {
        if (trait.ValueKind != JsonValueKind.String)
            return (null, $"{path}.trait must be the name of a trait, e.g. \"plan\" (got {LegacyFilter.Kind(trait)}).");
        if ((LegacyFilter.NotScalar(node, "op", path) ?? LegacyFilter.NotScalar(node, "value", path)) is { } typeProblem)
            return (null, typeProblem);
        var name = trait.GetString()!;
        if (string.IsNullOrWhiteSpace(name))
            return (null, $"{path}.trait is required (the name of a profile trait).");
        if (RequestLimits.Name(name, $"{path}.trait") is { } tooLong)
            return (null, tooLong);
        var (op, value, problem) = LegacyFilter.Comparison(LegacyFilter.Text(node, "op") ?? "eq", LegacyFilter.Text(node, "value") ?? "", path);
        return problem is null ? (new TraitCondition(name, op, [value]), null) : (null, problem);
    }

    private static (Condition? Leaf, string? Problem) Event(JsonElement node, JsonElement ev, string path)
    {
        if (ev.ValueKind != JsonValueKind.String || ev.GetString() is not { Length: > 0 } eventName)
            return (null, $"{path}.event must be an event name.");
        if (RequestLimits.Name(eventName, $"{path}.event") is { } tooLong)
            return (null, tooLong);
        if (node.TryGetProperty("atLeast", out var a) && a.ValueKind != JsonValueKind.Number || node.TryGetProperty("withinDays", out var d) && d.ValueKind != JsonValueKind.Number)
            return (null, $"{path}: atLeast and withinDays must be whole numbers.");
        var atLeast = a.ValueKind == JsonValueKind.Number ? a.TryGetInt32(out var n) ? n : 0 : 1;
        var days = d.ValueKind == JsonValueKind.Number ? d.TryGetInt32(out var w) ? w : 0 : (int?)null;
        if (atLeast is < 1 or > 1_000_000 || days is < 1 or > 36_500)
            return (null, $"{path}: atLeast must be 1..1000000 and withinDays 1..36500.");
        if (days > Metric.MaxWindowDays)
        {
            return (null, $"{path}.withinDays {days} has no form in the condition language (windows are 1..{Metric.MaxWindowDays} days); "
                + $"send tagCondition with {{\"metric\": {{\"fn\": \"count\", \"event\": {{\"name\": ..}}}}, \"op\": \"gte\", \"value\": {atLeast}}} for the whole history, or a window up to \"{Metric.MaxWindowDays}d\" (docs/conditions.md).");
        }
        var predicates = new List<PropertyPredicate>();
        if (node.TryGetProperty("where", out var where) && where.ValueKind != JsonValueKind.Array)
            return (null, $"{path}.where must be a list of filters such as {{\"property\": \"category\", \"op\": \"eq\", \"value\": \"beauty\"}}.");
        if (where.ValueKind == JsonValueKind.Array)
        {
            if (where.GetArrayLength() > RequestLimits.MaxFilters)
                return (null, $"{path}.where holds {where.GetArrayLength()} filters; at most {RequestLimits.MaxFilters}.");
            var j = 0;
            foreach (var f in where.EnumerateArray())
            {
                var (predicate, problem) = LegacyFilter.Predicate(f, string.Create(CultureInfo.InvariantCulture, $"{path}.where[{j++}]"));
                if (problem is not null)
                    return (null, problem);
                predicates.Add(predicate!);
            }
        }
        var metric = new EventMetric(MetricFunction.Count, new EventFilter([eventName], [], predicates), WindowDays: days);
        return (new MetricCondition(metric, ComparisonOperator.Gte, [new LiteralOperand(Scalar.Of(atLeast))]), null);
    }
}
