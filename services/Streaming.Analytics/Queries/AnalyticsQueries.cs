using System.Globalization;
using ClickHouse.Driver.ADO;
using Streaming.Analytics.Schema;
using Streaming.Conditions.Model;

namespace Streaming.Analytics.Queries;

/// <summary>Runs the analytics queries for one tenant; each builds its SQL with every value as a parameter.</summary>
public sealed class AnalyticsQueries(ClickHouseSession session, TimeProvider clock)
{
    private string Db => session.Database;

    public async Task<FunnelResult> FunnelAsync(string tenant, FunnelRequest request, CancellationToken cancellationToken)
    {
        var p = new SqlParameters();
        var sql = FunnelQuery.Sql(Db, p, tenant, request);
        var groups = new List<FunnelBreakdown>();
        var totals = new long[request.Steps.Count];
        await foreach (var row in RowsAsync(p, sql, cancellationToken))
        {
            var reached = Enumerable.Range(0, request.Steps.Count).Select(i => Long(row[1 + 2 * i])).ToArray();
            var medians = Enumerable.Range(0, request.Steps.Count).Select(i => Convert.ToDouble(row[2 + 2 * i], CultureInfo.InvariantCulture)).ToArray();
            for (var i = 0; i < totals.Length; i++)
                totals[i] += reached[i];
            groups.Add(new FunnelBreakdown((string)row[0], Steps(request, reached, medians)));
        }
        // Medians do not add up across breakdown groups: the overall figure is the single group's when there is no breakdown.
        var overallMedians = groups.Count == 1 ? groups[0].Steps.Select(s => s.MedianSecondsFromPrevious ?? 0).ToArray() : new double[totals.Length];
        return new FunnelResult(Steps(request, totals, overallMedians), request.Breakdown is null ? [] : groups);
    }

    private static List<FunnelStepResult> Steps(FunnelRequest request, long[] reached, double[] medians) =>
        request.Steps.Select((s, i) => new FunnelStepResult(
            i + 1, s.Event, reached[i],
            i == 0 ? 1 : Ratio(reached[i], reached[i - 1]),
            Ratio(reached[i], reached[0]),
            i == 0 || reached[i] == 0 ? null : Math.Round(medians[i], 3))).ToList();

    public async Task<RetentionResult> RetentionAsync(string tenant, RetentionRequest request, CancellationToken cancellationToken)
    {
        var p = new SqlParameters();
        var cohorts = new SortedDictionary<DateTime, (long Size, long[] Returned)>();
        await foreach (var row in RowsAsync(p, RetentionQuery.Sql(Db, p, tenant, request), cancellationToken))
        {
            var cohort = (DateTime)row[0];
            if (!cohorts.TryGetValue(cohort, out var entry))
                entry = (0, new long[request.Periods + 1]);
            var index = Convert.ToInt64(row[1], CultureInfo.InvariantCulture);
            if (index < 0)
                entry.Size = Long(row[2]);
            else
                entry.Returned[index] = Long(row[2]);
            cohorts[cohort] = entry;
        }
        return new RetentionResult(request.Period, cohorts.Select(c => new RetentionCohort(c.Key, c.Value.Size, c.Value.Returned)).ToList());
    }

    public async Task<IReadOnlyList<PathCount>> PathsAsync(string tenant, PathsRequest request, CancellationToken cancellationToken)
    {
        var p = new SqlParameters();
        var paths = new List<PathCount>();
        await foreach (var row in RowsAsync(p, PathsQuery.Sql(Db, p, tenant, request), cancellationToken))
            paths.Add(new PathCount((string[])row[0], Long(row[1])));
        return paths;
    }

    public async Task<IReadOnlyList<TrendPoint>> TrendsAsync(string tenant, TrendsRequest request, CancellationToken cancellationToken)
    {
        var p = new SqlParameters();
        var points = new List<TrendPoint>();
        await foreach (var row in RowsAsync(p, TrendsQuery.Sql(Db, p, tenant, request), cancellationToken))
            points.Add(new TrendPoint((DateTime)row[0], (string)row[1], Convert.ToDouble(row[2], CultureInfo.InvariantCulture)));
        return points;
    }

    /// <summary>
    /// An audience: persons for whom a condition of the language (docs/conditions.md) holds as of <paramref name="asOf"/> (default now):
    /// the count and up to <paramref name="sample"/> person ids, or a problem naming the part with no SQL form.
    /// </summary>
    public async Task<(long Count, IReadOnlyList<long> Sample, string? Problem)> AudienceAsync(
        string tenant, ConditionDocument document, int sample, DateTimeOffset? asOf, CancellationToken cancellationToken, string path = "condition")
    {
        var p = new SqlParameters();
        var (sql, problem) = TagConditionSql.Compile(document, p, Db, tenant, asOf ?? clock.GetUtcNow(), path);
        if (problem is not null)
            return (0, [], problem);
        if (sample == 0)
        {
            await foreach (var row in RowsAsync(p, $"SELECT count() FROM ({sql})", cancellationToken))
                return (Long(row[0]), [], null);
            return (0, [], null);
        }
        var limit = p.Int64(sample);
        long count = 0;
        var persons = new List<long>();
        await foreach (var row in RowsAsync(p, $"SELECT count() OVER () AS total, person_id FROM ({sql}) ORDER BY person_id LIMIT {limit}", cancellationToken))
        {
            count = Long(row[0]);
            persons.Add(Convert.ToInt64(row[1], CultureInfo.InvariantCulture));
        }
        return (count, persons, null);
    }

    /// <summary>Writes person_id,user_id lines of the persons a tag-language condition holds for as CSV.</summary>
    public async Task<string?> AudienceCsvAsync(string tenant, ConditionDocument document, DateTimeOffset? asOf, TextWriter output, CancellationToken cancellationToken, string path = "condition")
    {
        var p = new SqlParameters();
        var (sql, problem) = TagConditionSql.Compile(document, p, Db, tenant, asOf ?? clock.GetUtcNow(), path);
        if (problem is not null)
            return problem;
        await WriteCsvAsync(p, sql!, tenant, output, cancellationToken);
        return null;
    }

    private async Task WriteCsvAsync(SqlParameters p, string sql, string tenant, TextWriter output, CancellationToken cancellationToken)
    {
        var tenantParam = p.String(tenant);
        await output.WriteLineAsync("person_id,user_id");
        await foreach (var row in RowsAsync(p, $"""
            SELECT a.person_id, any(i.identifier) FROM ({sql}) AS a
            LEFT JOIN (SELECT person_id, identifier FROM {Db}.person_identifiers WHERE tenant = {tenantParam} AND identifier_type = 'user_id') AS i ON a.person_id = i.person_id
            GROUP BY a.person_id ORDER BY a.person_id
            """, cancellationToken))
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{row[0]},{Csv((string)row[1])}"));
        }
    }

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 && !value.StartsWith('=') ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private IAsyncEnumerable<object[]> RowsAsync(SqlParameters p, string sql, CancellationToken cancellationToken) =>
        session.RowsAsync(p, sql, cancellationToken);

    private static long Long(object value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);

    private static double Ratio(long a, long b) => b == 0 ? 0 : Math.Round((double)a / b, 4);
}
