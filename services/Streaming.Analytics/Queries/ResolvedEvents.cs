namespace Streaming.Analytics.Queries;

/// <summary>
/// The events of one tenant in a time range with person ids mapped through the merge overrides,
/// so a person's history before a merge counts for the survivor. Columns: pid, event, ts, properties.
/// Read with FINAL: an event stored twice (a copy at another offset that the sink's offset fence
/// cannot recognise) counts once, as in <c>bi.events</c> (docs/analytics.md has its measured cost).
/// </summary>
internal static class ResolvedEvents
{
    public static string Sql(string database, SqlParameters p, string tenant, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<string>? events = null, bool resolvePersons = true, string? persons = null)
    {
        var tenantParam = p.String(tenant);
        var eventFilter = events is { Count: > 0 } ? $" AND e.event IN {p.Strings(events)}" : "";
        // A person filter (PersonsFilter) keeps the events of the persons it selects, after merges.
        var personFilter = persons is null ? "" : $" AND {PersonColumn} IN ({persons})";
        if (!resolvePersons && persons is null)
        {
            // Counts and sums do not depend on who did the event: skip the merge lookup.
            return $"(SELECT e.person_id AS pid, e.event AS event, e.timestamp AS ts, e.properties AS properties FROM {database}.events AS e FINAL WHERE e.tenant = {tenantParam} AND e.timestamp >= {p.Time(from)} AND e.timestamp < {p.Time(to)}{eventFilter})";
        }
        return $"""
            ({OverridesWith(database, tenantParam)}
             SELECT {PersonColumn} AS pid, e.event AS event, e.timestamp AS ts, e.properties AS properties
             FROM {database}.events AS e FINAL
             WHERE e.tenant = {tenantParam} AND e.timestamp >= {p.Time(from)} AND e.timestamp < {p.Time(to)}{eventFilter}{personFilter})
            """;
    }

    /// <summary>
    /// A WITH clause naming the tenant's overrides (latest survivor per absorbed person) as two
    /// constant arrays, read once; <see cref="PersonColumn"/> maps <c>e.person_id</c> through them with
    /// transform(): no join, so the scan stays parallel and costs nothing extra when the tenant has no merges.
    /// </summary>
    public static string OverridesWith(string database, string tenantParam) => $"""
        WITH (SELECT (groupArray(absorbed_person_id), groupArray(survivor))
              FROM (SELECT absorbed_person_id, argMax(survivor_person_id, merged_at) AS survivor
                    FROM {database}.person_overrides WHERE tenant = {tenantParam} GROUP BY absorbed_person_id)) AS overrides
        """;

    /// <summary>The person of event <c>e</c> after merges (needs <see cref="OverridesWith"/>).</summary>
    public const string PersonColumn = "transform(e.person_id, overrides.1, overrides.2, e.person_id)";
}
