namespace Streaming.Analytics.Queries;

internal static class QueryRange
{
    public static string? Problem(DateTimeOffset from, DateTimeOffset to) =>
        from == default || to == default ? "from and to are required (ISO 8601, e.g. 2024-01-01T00:00:00Z)."
        : to <= from ? "to must be after from."
        : to - from > TimeSpan.FromDays(3 * 366 + 1) ? "from..to may span at most 3 years."
        : null;
}

/// <summary>Period of a retention or trend bucket.</summary>
internal static class Periods
{
    public static readonly IReadOnlyList<string> Names = ["hour", "day", "week", "month"];

    public static string StartOf(string period, string column) => period switch
    {
        "hour" => $"toStartOfHour({column})",
        "day" => $"toStartOfDay({column})",
        "week" => $"toDateTime(toMonday({column}), 'UTC')",
        "month" => $"toDateTime(toStartOfMonth({column}), 'UTC')",
        _ => throw new ArgumentOutOfRangeException(nameof(period), period, "unknown period"),
    };

    public static string Unit(string period) => period;
}
