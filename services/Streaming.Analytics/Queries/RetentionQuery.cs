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
    public string? Problem() =>
        Period is not ("day" or "week" or "month") ? "period must be day, week or month."
        : Periods is < 1 or > 366 ? "periods must be between 1 and 366."
        : QueryRange.Problem(From, To);
}

public sealed record RetentionCohort(DateTime Cohort, long Persons, IReadOnlyList<long> Returned);

public sealed record RetentionResult(string Period, IReadOnlyList<RetentionCohort> Cohorts);

internal static class RetentionQuery
{
    /// <summary>Rows (cohort, size, period index, returning persons); period index -1 carries only the size.</summary>
    public static string Sql(string database, SqlParameters p, string tenant, RetentionRequest r)
    {
        var cohortStart = Queries.Periods.StartOf(r.Period, "min(ts)");
        var returnStart = Queries.Periods.StartOf(r.Period, "ts");
        // First occurrence looks at all history before `to`, so a person seen before `from` is not new in range.
        var cohorts = $"""
            SELECT pid, {cohortStart} AS cohort
            FROM {ResolvedEvents.Sql(database, p, tenant, DateTimeOffset.UnixEpoch, r.To, r.CohortEvent is { Length: > 0 } c ? [c] : null)}
            GROUP BY pid
            HAVING cohort >= {Queries.Periods.StartOf(r.Period, p.Time(r.From))}
            """;
        var returns = $"""
            SELECT DISTINCT pid, {returnStart} AS period
            FROM {ResolvedEvents.Sql(database, p, tenant, r.From, r.To, r.ReturnEvent is { Length: > 0 } e ? [e] : null)}
            """;
        var periods = p.Int64(r.Periods);
        return $"""
            WITH cohorts AS ({cohorts}), returns AS ({returns})
            SELECT cohort, toInt64(-1) AS idx, uniqExact(pid) AS persons FROM cohorts GROUP BY cohort
            UNION ALL
            SELECT c.cohort AS cohort, dateDiff('{Queries.Periods.Unit(r.Period)}', c.cohort, ret.period) AS idx, uniqExact(c.pid) AS persons
            FROM cohorts AS c INNER JOIN returns AS ret ON c.pid = ret.pid
            WHERE idx >= 0 AND idx <= {periods}
            GROUP BY cohort, idx
            ORDER BY cohort, idx
            """;
    }
}
