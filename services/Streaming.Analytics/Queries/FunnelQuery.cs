using System.Globalization;
using System.Text;

namespace Streaming.Analytics.Queries;

/// <summary>A step: an event, and optionally <see cref="EventFilters"/> its properties must pass.</summary>
public sealed record FunnelStep(string Event, IReadOnlyList<System.Text.Json.JsonElement>? Filters = null);

/// <summary>Ordered steps done by one person within <see cref="WindowSeconds"/> of the first step.</summary>
public sealed record FunnelRequest(
    IReadOnlyList<FunnelStep> Steps,
    DateTimeOffset From,
    DateTimeOffset To,
    long WindowSeconds = 86_400,
    string? Breakdown = null)
{
    /// <summary>Only persons for whom this tag-language condition holds as of <c>to</c> (<see cref="PersonsFilter"/>); none: everyone.</summary>
    public System.Text.Json.JsonElement Persons { get; init; }

    public string? Problem()
    {
        if (Steps is not { Count: >= 2 and <= 20 })
            return "steps must hold 2 to 20 steps, e.g. [{\"event\":\"Product Viewed\"},{\"event\":\"Order Completed\"}].";
        for (var i = 0; i < Steps.Count; i++)
        {
            if (Steps[i] is null)
                return $"steps[{i}] is null; send an object {{\"event\": \"Order Completed\"}} or remove it.";
            if (string.IsNullOrWhiteSpace(Steps[i].Event))
                return $"steps[{i}].event is required.";
            if ((RequestLimits.Name(Steps[i].Event, $"steps[{i}].event") ?? EventFilters.Read(Steps[i].Filters, $"steps[{i}].filters").Problem) is { } problem)
                return problem;
        }
        if (RequestLimits.Name(Breakdown, "breakdown") is { } breakdownProblem)
            return breakdownProblem;
        if (WindowSeconds is <= 0 or > 366L * 86_400)
            return "windowSeconds must be between 1 and 31622400 (366 days).";
        return QueryRange.Problem(From, To) ?? PersonsFilter.Problem(Persons, To);
    }

    /// <summary>A note for each part sent in a form that is read for one more release.</summary>
    public IReadOnlyList<string> Deprecations() =>
        [.. Steps.SelectMany((step, i) => EventFilters.Read(step.Filters, $"steps[{i}].filters").Deprecations)];
}

public sealed record FunnelStepResult(int Step, string Event, long Persons, double ConversionFromPrevious, double ConversionFromFirst, double? MedianSecondsFromPrevious);

public sealed record FunnelBreakdown(string Value, IReadOnlyList<FunnelStepResult> Steps);

public sealed record FunnelResult(IReadOnlyList<FunnelStepResult> Steps, IReadOnlyList<FunnelBreakdown> Breakdown);

internal static class FunnelQuery
{
    /// <summary>
    /// One pass over the events collects, per person, ONE array of <c>milliseconds &lt;&lt; 20 | matched steps
    /// bitmask</c> (a UInt64 per event). From it: the level (the deepest step reached in order within
    /// the window) by <see cref="LevelColumns"/>, and the greedy chain of step times (first step, then the
    /// first next step at or after it) for the median time between steps.
    /// </summary>
    public static string Sql(string database, SqlParameters p, string tenant, FunnelRequest r)
    {
        var events = r.Steps.Select(s => s.Event).Distinct().ToList();
        var conditions = r.Steps.Select(s =>
        {
            return $"event = {p.String(s.Event)}{EventFilters.Sql(s.Filters, p)}";
        }).ToList();
        var window = p.UInt64((ulong)r.WindowSeconds);
        var persons = PersonsFilter.Sql(r.Persons, p, database, tenant, r.To);
        var breakdown = r.Breakdown is { Length: > 0 } b ? $"JSONExtractString(properties, {p.String(b)})" : "''";
        // Steps are at most 20 (FunnelRequest.Problem), so the mask fits in the low 20 bits.
        var mask = string.Join(" + ", conditions.Select((c, i) => string.Create(CultureInfo.InvariantCulture, $"bitShiftLeft(toUInt64({c}), {i})")));

        var perPerson = $"SELECT pid, any({breakdown}) AS breakdown, groupArrayIf(bitShiftLeft(toUInt64(toUnixTimestamp64Milli(ts)), 20) + mask, mask > 0) AS steps"
            + $" FROM (SELECT *, {mask} AS mask FROM {ResolvedEvents.Sql(database, p, tenant, r.From, r.To, events, persons: persons)}) GROUP BY pid";

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
        return $"""
            SELECT breakdown{sums}
            FROM (SELECT breakdown, {LevelColumns(conditions.Count, window)}, steps, {chain}
                  FROM ({perPerson}) WHERE level > 0)
            GROUP BY breakdown ORDER BY reached0 DESC LIMIT 50
            """;
    }

    /// <summary>
    /// windowFunnel(window)(toDateTime(ts), step0, step1, ..) evaluated on the step array, so events are
    /// collected once, not once for windowFunnel and again for the step times. It is the engine's
    /// default-mode algorithm: entries (second, step) for every step an event matches, sorted by
    /// second then step; a step-0 entry starts a chain (first[0] = its second); a step-k entry
    /// extends the chain that reached step k-1 when it is within the window of that chain's start
    /// (first[k] = first[k-1]); the level is the deepest step with a chain. The fold keeps
    /// first[k] + 1 per step (0 = none) in a tuple. Funnel_KnownAnswers checks it against windowFunnel.
    /// </summary>
    /// <returns>The columns <c>funnel</c> (the folded tuple) and <c>level</c>.</returns>
    internal static string LevelColumns(int steps, string window)
    {
        const string step = "bitAnd(e, 31)";
        const string second = "(bitShiftRight(e, 5) + 1)";
        var next = new StringBuilder($"tuple(if({step} = 0, {second}, acc.1)");
        for (var k = 1; k < steps; k++)
            next.Append(CultureInfo.InvariantCulture, $", if({step} = {k} AND acc.{k} != 0 AND {second} <= acc.{k} + {window}, acc.{k}, acc.{k + 1})");
        next.Append(')');
        // An event matching one step (the usual case) gives its entry directly (the step is the
        // number of ones below its bit); only events matching several steps are split into
        // entries with per-event arrays, which cost about half of the fold when done for every event.
        const string stepBits = "bitAnd(x, 1048575)";
        var single = $"arrayMap(x -> bitShiftLeft(intDiv(bitShiftRight(x, 20), 1000), 5) + bitCount({stepBits} - 1), arrayFilter(x -> bitCount({stepBits}) = 1, steps))";
        var several = string.Create(CultureInfo.InvariantCulture,
            $"arrayFlatten(arrayMap(x -> arrayMap(i -> bitShiftLeft(intDiv(bitShiftRight(x, 20), 1000), 5) + i, arrayFilter(i -> bitTest(x, i), range({steps}))), arrayFilter(x -> bitCount({stepBits}) > 1, steps)))");
        var entries = $"arraySort(arrayConcat({single}, {several}))";
        var start = "tuple(" + string.Join(", ", Enumerable.Repeat("toUInt64(0)", steps)) + ")";
        var folded = $"arrayFold((acc, e) -> {next}, {entries}, {start})";
        var level = new StringBuilder("multiIf(");
        for (var k = steps; k >= 1; k--)
            level.Append(CultureInfo.InvariantCulture, $"tupleElement(funnel, {k}) != 0, {k}, ");
        level.Append("0)");
        return $"{folded} AS funnel, {level} AS level";
    }
}
