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
    /// for the median time between steps. The step times come from ONE array per person of
    /// <c>milliseconds &lt;&lt; 20 | matched steps bitmask</c> (a UInt64 each: cheaper to collect than one
    /// array per step), sorted only for persons who reached the first step.
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
        // Steps are at most 20 (FunnelRequest.Problem), so the mask fits in the low 20 bits.
        var mask = string.Join(" + ", conditions.Select((c, i) => string.Create(CultureInfo.InvariantCulture, $"bitShiftLeft(toUInt64({c}), {i})")));

        var perPerson = new StringBuilder();
        perPerson.Append($"SELECT pid, windowFunnel({window})(toDateTime(ts), {string.Join(", ", conditions)}) AS level, any({breakdown}) AS breakdown");
        perPerson.Append($", groupArrayIf(bitShiftLeft(toUInt64(toUnixTimestamp64Milli(ts)), 20) + mask, mask > 0) AS steps");
        perPerson.Append($" FROM (SELECT *, {mask} AS mask FROM {ResolvedEvents.Sql(database, p, tenant, r.From, r.To, events)}) GROUP BY pid");

        // t{i}: milliseconds of the first step-i event at or after t{i-1} (0 when there is none).
        var chain = new StringBuilder("arraySort(steps) AS sorted, bitShiftRight(arrayFirst(x -> bitTest(x, 0), sorted), 20) AS t0");
        for (var i = 1; i < conditions.Count; i++)
            chain.Append(CultureInfo.InvariantCulture, $", bitShiftRight(arrayFirst(x -> bitTest(x, {i}) AND bitShiftRight(x, 20) >= t{i - 1}, sorted), 20) AS t{i}");

        var sums = new StringBuilder();
        for (var i = 0; i < conditions.Count; i++)
        {
            sums.Append(CultureInfo.InvariantCulture, $", countIf(level >= {i + 1}) AS reached{i}");
            sums.Append(i == 0 ? ", 0 AS median0" : string.Create(CultureInfo.InvariantCulture, $", quantileExactIf(0.5)((toInt64(t{i}) - toInt64(t{i - 1})) / 1000.0, level >= {i + 1} AND t{i} > 0) AS median{i}"));
        }
        return $"SELECT breakdown{sums} FROM (SELECT level, breakdown, {chain} FROM ({perPerson}) WHERE level > 0) GROUP BY breakdown ORDER BY reached0 DESC LIMIT 50";
    }
}
