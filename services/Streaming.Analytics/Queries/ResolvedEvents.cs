namespace Streaming.Analytics.Queries;

/// <summary>
/// The events of one tenant in a time range with person ids mapped through the merge overrides,
/// so a person's history before a merge counts for the survivor. Columns: pid, event, ts, properties.
/// </summary>
internal static class ResolvedEvents
{
    public static string Sql(string database, SqlParameters p, string tenant, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<string>? events = null, bool resolvePersons = true)
    {
        var tenantParam = p.String(tenant);
        var eventFilter = events is { Count: > 0 } ? $" AND e.event IN {p.Strings(events)}" : "";
        if (!resolvePersons)
        {
            // Counts and sums do not depend on who did the event: skip the merge lookup.
            return $"(SELECT e.person_id AS pid, e.event AS event, e.timestamp AS ts, e.properties AS properties FROM {database}.events AS e WHERE e.tenant = {tenantParam} AND e.timestamp >= {p.Time(from)} AND e.timestamp < {p.Time(to)}{eventFilter})";
        }
        return $"""
            (SELECT if(o.survivor = 0, e.person_id, o.survivor) AS pid, e.event AS event, e.timestamp AS ts, e.properties AS properties
             FROM {database}.events AS e
             LEFT JOIN (SELECT absorbed_person_id, argMax(survivor_person_id, merged_at) AS survivor
                        FROM {database}.person_overrides WHERE tenant = {tenantParam} GROUP BY absorbed_person_id) AS o
               ON e.person_id = o.absorbed_person_id
             WHERE e.tenant = {tenantParam} AND e.timestamp >= {p.Time(from)} AND e.timestamp < {p.Time(to)}{eventFilter})
            """;
    }
}
