using System.Globalization;
using System.Text;

namespace Streaming.Analytics.Queries;

public sealed record FunnelStep(string Event, IReadOnlyList<PropertyFilter>? Filters = null);

/// <summary>Ordered steps done by one person within <see cref="WindowSeconds"/> of the first step.</summary>
public sealed record FunnelRequest(
    IReadOnlyList<FunnelStep> Steps,
    DateTimeOffset From,
    DateTimeOffset To,
    long WindowSeconds = 86_400,
    string? Breakdown = null)
{
    public string? Problem()
    {
        if (Steps is not { Count: >= 2 and <= 20 })
            return "steps must hold 2 to 20 steps, e.g. [{\"event\":\"Product Viewed\"},{\"event\":\"Order Completed\"}].";
        for (var i = 0; i < Steps.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Steps[i].Event))
                return $"steps[{i}].event is required.";
            foreach (var (f, j) in (Steps[i].Filters ?? []).Select((f, j) => (f, j)))
                if (f.Problem($"steps[{i}].filters[{j}]") is { } problem)
                    return problem;
        }
        if (WindowSeconds is <= 0 or > 366L * 86_400)
            return "windowSeconds must be between 1 and 31622400 (366 days).";
        return QueryRange.Problem(From, To);
    }
}

public sealed record FunnelStepResult(int Step, string Event, long Persons, double ConversionFromPrevious, double ConversionFromFirst, double? MedianSecondsFromPrevious);

public sealed record FunnelBreakdown(string Value, IReadOnlyList<FunnelStepResult> Steps);

public sealed record FunnelResult(IReadOnlyList<FunnelStepResult> Steps, IReadOnlyList<FunnelBreakdown> Breakdown);

internal static class FunnelQuery
{
    /// <summary>
    /// One person row with windowFunnel's level (the deepest step reached in order within the
    /// window) and the greedy chain of step times (first step, then the first next step after it)
    /// for the median time between steps.
    /// </summary>
    public static string Sql(string database, SqlParameters p, string tenant, FunnelRequest r)
    {
        var events = r.Steps.Select(s => s.Event).Distinct().ToList();
        var conditions = r.Steps.Select(s =>
        {
            var sql = new StringBuilder($"event = {p.String(s.Event)}");
            foreach (var f in s.Filters ?? [])
                sql.Append(" AND ").Append(f.Sql(p));
            return sql.ToString();
        }).ToList();
        var window = p.UInt64((ulong)r.WindowSeconds);
        var breakdown = r.Breakdown is { Length: > 0 } b ? $"JSONExtractString(properties, {p.String(b)})" : "''";

        var perPerson = new StringBuilder();
        perPerson.Append($"SELECT pid, windowFunnel({window})(toDateTime(ts), {string.Join(", ", conditions)}) AS level, any({breakdown}) AS breakdown");
        for (var i = 0; i < conditions.Count; i++)
            perPerson.Append(CultureInfo.InvariantCulture, $", arraySort(groupArrayIf(toUnixTimestamp64Milli(ts), {conditions[i]})) AS times{i}");
        perPerson.Append($" FROM {ResolvedEvents.Sql(database, p, tenant, r.From, r.To, events)} GROUP BY pid");

        var chain = new StringBuilder("arrayMin(times0) AS t0");
        for (var i = 1; i < conditions.Count; i++)
            chain.Append(CultureInfo.InvariantCulture, $", arrayFirst(x -> x >= t{i - 1}, times{i}) AS t{i}");

        var sums = new StringBuilder();
        for (var i = 0; i < conditions.Count; i++)
        {
            sums.Append(CultureInfo.InvariantCulture, $", countIf(level >= {i + 1}) AS reached{i}");
            sums.Append(i == 0 ? ", 0 AS median0" : string.Create(CultureInfo.InvariantCulture, $", quantileExactIf(0.5)((t{i} - t{i - 1}) / 1000.0, level >= {i + 1} AND t{i} > 0) AS median{i}"));
        }
        return $"SELECT breakdown{sums} FROM (SELECT level, breakdown, {chain} FROM ({perPerson}) WHERE level > 0) GROUP BY breakdown ORDER BY reached0 DESC LIMIT 50";
    }
}
