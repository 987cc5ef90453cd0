using System.Globalization;
using System.Text.Json;
using Streaming.Conditions.Model;
using Streaming.Conditions.Parsing;

namespace Streaming.Analytics.Queries;

/// <summary>
/// <c>filters</c> of a trend and of a funnel step: predicates of the condition language, the items
/// of an event filter's <c>where</c> (<c>{"path": "revenue", "op": "gt", "value": 50}</c>, docs/conditions.md),
/// all of which an event must satisfy. The older <c>{"property": .., "op": .., "value": ..}</c> form
/// is read into the same predicates for one release (<see cref="LegacyFilter"/>), with a deprecation note.
/// </summary>
internal static class EventFilters
{
    /// <summary>The predicates, a note per item sent in the old form, and the first problem (naming the item) if any.</summary>
    public sealed record Reading(IReadOnlyList<PropertyPredicate> Predicates, IReadOnlyList<string> Deprecations, string? Problem);

    private static readonly Reading None = new([], [], null);

    public static Reading Read(IReadOnlyList<JsonElement>? filters, string field)
    {
        if (filters is null)
            return None;
        if (filters.Count > RequestLimits.MaxFilters)
            return None with { Problem = $"{field} holds {filters.Count} filters; at most {RequestLimits.MaxFilters}." };
        var predicates = new List<PropertyPredicate>();
        var deprecations = new List<string>();
        for (var i = 0; i < filters.Count; i++)
        {
            var item = string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]");
            var node = filters[i];
            if (node.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
                return None with { Problem = $"{item} is null; send an object {{\"path\": \"category\", \"op\": \"eq\", \"value\": \"beauty\"}} or remove it." };
            PropertyPredicate predicate;
            if (node.ValueKind == JsonValueKind.Object && node.TryGetProperty("property", out _))
            {
                var (legacy, problem) = LegacyFilter.Predicate(node, item);
                if (problem is not null)
                    return None with { Problem = problem };
                predicate = legacy!;
                deprecations.Add($"{item} uses the old filter form {{\"property\", \"op\", \"value\"}}; it was read as {ConditionWriter.Write(predicate)}. Send that form: the old one is read until the next release (docs/analytics.md).");
            }
            else
            {
                var parsed = ConditionParser.ParsePredicate(node, item);
                if (!parsed.IsValid)
                    return None with { Problem = string.Join("; ", parsed.Errors) };
                predicate = parsed.Value!;
            }
            if (!Available(predicate.Path))
                return None with { Problem = $"{item}.path: {predicate.Path} is not available in trend and funnel filters; use a property (properties.*), $name, $day or $hour." };
            predicates.Add(predicate);
        }
        return new Reading(predicates, deprecations, null);
    }

    /// <summary>SQL over a row of <see cref="ResolvedEvents"/> (columns event, ts, properties): " AND .." per predicate, values as parameters.</summary>
    public static string Sql(IReadOnlyList<JsonElement>? filters, SqlParameters p)
    {
        var reading = Read(filters, "filters");
        // The request's Problem() refused these before the query was built.
        if (reading.Problem is not null)
            throw new InvalidOperationException(reading.Problem);
        return string.Concat(reading.Predicates.Select(predicate => " AND " + TagConditionSql.EventPredicate(predicate, p)));
    }

    // ResolvedEvents carries the event name, time and properties; context, traits, type and ids are not read by these queries.
    private static bool Available(FieldPath path) =>
        path.Root == FieldRoot.Properties || path.AttributeName is FieldPath.Name or FieldPath.Day or FieldPath.Hour;
}
