namespace Streaming.Analytics.Queries;

/// <summary>
/// Cohorts by the period of a person's first <see cref="CohortEvent"/> (any event when null);
/// for each cohort, how many of its persons did <see cref="ReturnEvent"/> (any event when null)
/// in period 0, 1, ... <see cref="Periods"/> after it.
/// </summary>
public sealed record RetentionRequest(
    DateTimeOffset From,
    DateTimeOffset To,
    string? CohortEvent = null,
    string? ReturnEvent = null,
    string Period = "month",
    int Periods = 12)
{
    /// <summary>Only persons for whom this tag-language condition holds as of <c>to</c> (<see cref="PersonsFilter"/>); none: everyone.</summary>
    public System.Text.Json.JsonElement Persons { get; init; }

    public string? Problem() =>
        Period is not ("day" or "week" or "month") ? "period must be day, week or month."
        : Periods is < 1 or > 366 ? "periods must be between 1 and 366."
        : RequestLimits.Name(CohortEvent, "cohortEvent") ?? RequestLimits.Name(ReturnEvent, "returnEvent") ?? QueryRange.Problem(From, To)
            ?? PersonsFilter.Problem(Persons, To);
}

public sealed record RetentionCohort(DateTime Cohort, long Persons, IReadOnlyList<long> Returned);

public sealed record RetentionResult(string Period, IReadOnlyList<RetentionCohort> Cohorts);

internal static class RetentionQuery
{
    /// <summary>
    /// Rows (cohort, period index, persons); period index -1 carries the cohort's size. One scan of
    /// the events before <c>to</c> gives each person's cohort (first cohort event) and the distinct
    /// periods of their return events in <c>from..to</c>, so the cohorts are not computed twice and
    /// nothing is joined.
    /// </summary>
    public static string Sql(string database, SqlParameters p, string tenant, RetentionRequest r)
    {
        var cohortEvent = r.CohortEvent is { Length: > 0 } c ? c : null;
        var returnEvent = r.ReturnEvent is { Length: > 0 } e ? e : null;
        var isCohort = cohortEvent is null ? "1" : $"event = {p.String(cohortEvent)}";
        var isReturn = $"{(returnEvent is null ? "1" : $"event = {p.String(returnEvent)}")} AND ts >= {p.Time(r.From)}";
        // Both events named: read only those two; otherwise any event counts for one side, so read all.
        IReadOnlyList<string>? events = cohortEvent is not null && returnEvent is not null ? [cohortEvent, returnEvent] : null;
        var unit = Queries.Periods.Unit(r.Period);
        var periods = p.Int64(r.Periods);
        var persons = PersonsFilter.Sql(r.Persons, p, database, tenant, r.To);
        // First occurrence looks at all history before `to`, so a person seen before `from` is not new in range.
        return $"""
            SELECT cohort, idx, count() AS persons
            FROM (
                SELECT pid, {Queries.Periods.StartOf(r.Period, $"minIf(ts, {isCohort})")} AS cohort,
                       groupUniqArrayIf({Queries.Periods.StartOf(r.Period, "ts")}, {isReturn}) AS returned
                FROM {ResolvedEvents.Sql(database, p, tenant, DateTimeOffset.UnixEpoch, r.To, events, persons: persons)}
                GROUP BY pid
                HAVING countIf({isCohort}) > 0 AND cohort >= {Queries.Periods.StartOf(r.Period, p.Time(r.From))}
            )
            ARRAY JOIN arrayConcat([toInt64(-1)], arrayFilter(i -> i >= 0 AND i <= {periods}, arrayMap(x -> toInt64(dateDiff('{unit}', cohort, x)), returned))) AS idx
            GROUP BY cohort, idx
            ORDER BY cohort, idx
            """;
    }
}
