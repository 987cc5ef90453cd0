namespace Streaming.Analytics.Queries;

/// <summary>
/// The most frequent sequences of events that follow (or precede) a person's first (last)
/// <see cref="Event"/>, cut at <see cref="Steps"/> events or at a pause longer than <see cref="SessionGapSeconds"/>.
/// </summary>
public sealed record PathsRequest(
    string Event,
    DateTimeOffset From,
    DateTimeOffset To,
    string Direction = "after",
    int Steps = 5,
    long SessionGapSeconds = 1800,
    int Limit = 20)
{
    /// <summary>Only persons for whom this tag-language condition holds as of <c>to</c> (<see cref="PersonsFilter"/>); none: everyone.</summary>
    public System.Text.Json.JsonElement Persons { get; init; }

    public string? Problem() =>
        string.IsNullOrWhiteSpace(Event) ? "event is required (the anchor event of the paths)."
        : Direction is not ("after" or "before") ? "direction must be 'after' or 'before'."
        : Steps is < 2 or > 20 ? "steps must be between 2 and 20."
        : SessionGapSeconds is < 1 or > 86_400 * 7 ? "sessionGapSeconds must be between 1 and 604800."
        : Limit is < 1 or > 1000 ? "limit must be between 1 and 1000."
        : RequestLimits.Name(Event, "event") ?? QueryRange.Problem(From, To) ?? PersonsFilter.Problem(Persons, To);
}

public sealed record PathCount(IReadOnlyList<string> Path, long Persons);

internal static class PathsQuery
{
    public static string Sql(string database, SqlParameters p, string tenant, PathsRequest r)
    {
        // "before": walk the timeline backwards, so the same slicing reads from the anchor outwards.
        var order = r.Direction == "after" ? "x.1" : "-x.1";
        var anchor = p.String(r.Event);
        var persons = PersonsFilter.Sql(r.Persons, p, database, tenant, r.To);
        return $"""
            SELECT path, count() AS persons FROM (
              SELECT arraySlice(evs, i, {p.Int64(r.Steps)}) AS evs_slice,
                     arraySlice(tms, i, {p.Int64(r.Steps)}) AS tms_slice,
                     arrayMap(d -> abs(d) > {p.Int64(r.SessionGapSeconds * 1000)}, arrayDifference(tms_slice)) AS breaks,
                     arrayFirstIndex(b -> b, breaks) AS cut,
                     if(cut = 0, evs_slice, arraySlice(evs_slice, 1, cut - 1)) AS path
              FROM (
                SELECT arraySort(x -> {order}, groupArray((toUnixTimestamp64Milli(ts), event))) AS timeline,
                       arrayMap(x -> x.2, timeline) AS evs,
                       arrayMap(x -> x.1, timeline) AS tms,
                       indexOf(evs, {anchor}) AS i
                FROM {ResolvedEvents.Sql(database, p, tenant, r.From, r.To, persons: persons)}
                GROUP BY pid
                HAVING i > 0))
            GROUP BY path ORDER BY persons DESC, path LIMIT {p.Int64(r.Limit)}
            """;
    }
}
