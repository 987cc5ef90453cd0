namespace Streaming.Analytics.Queries;

/// <summary>Count, unique persons or sum of a numeric property of one event, per period, optionally broken down by a property.</summary>
public sealed record TrendsRequest(
    string Event,
    DateTimeOffset From,
    DateTimeOffset To,
    string Measure = "count",
    string? Property = null,
    string Interval = "day",
    string? Breakdown = null,
    IReadOnlyList<System.Text.Json.JsonElement>? Filters = null)
{
    /// <summary>Only persons for whom this tag-language condition holds as of <c>to</c> (<see cref="PersonsFilter"/>); none: everyone.</summary>
    public System.Text.Json.JsonElement Persons { get; init; }

    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Event))
            return "event is required.";
        if (Measure is not ("count" or "persons" or "sum"))
            return "measure must be count, persons or sum.";
        if (Measure == "sum" && string.IsNullOrWhiteSpace(Property))
            return "property is required when measure is sum (a numeric key of the event's properties, e.g. revenue).";
        if (!Periods.Names.Contains(Interval))
            return "interval must be hour, day, week or month.";
        return RequestLimits.Name(Event, "event") ?? RequestLimits.Name(Property, "property") ?? RequestLimits.Name(Breakdown, "breakdown")
            ?? EventFilters.Read(Filters, "filters").Problem ?? QueryRange.Problem(From, To) ?? PersonsFilter.Problem(Persons, To);
    }

    /// <summary>A note for each part sent in a form that is read for one more release.</summary>
    public IReadOnlyList<string> Deprecations() => EventFilters.Read(Filters, "filters").Deprecations;
}

public sealed record TrendPoint(DateTime Period, string Breakdown, double Value);

internal static class TrendsQuery
{
    public static string Sql(string database, SqlParameters p, string tenant, TrendsRequest r)
    {
        var measure = r.Measure switch
        {
            "count" => "toFloat64(count())",
            "persons" => "toFloat64(uniqExact(pid))",
            _ => $"sum(JSONExtractFloat(properties, {p.String(r.Property!)}))",
        };
        var breakdown = r.Breakdown is { Length: > 0 } b ? $"JSONExtractString(properties, {p.String(b)})" : "''";
        var filters = EventFilters.Sql(r.Filters, p);
        var persons = PersonsFilter.Sql(r.Persons, p, database, tenant, r.To);
        return $"""
            SELECT {Periods.StartOf(r.Interval, "ts")} AS period, {breakdown} AS breakdown, {measure} AS value
            FROM {ResolvedEvents.Sql(database, p, tenant, r.From, r.To, [r.Event], resolvePersons: r.Measure == "persons", persons: persons)}
            WHERE 1{filters}
            GROUP BY period, breakdown ORDER BY period, breakdown LIMIT 10000
            """;
    }
}
