namespace Streaming.Analytics.Queries;

/// <summary>
/// Size limits of analytics requests (docs/analytics.md). Every value ends up as a query parameter;
/// the limits keep a query well inside what ClickHouse accepts and what a person can mean, and make
/// a too-large request a 400 naming the part instead of a failure of the query.
/// </summary>
public static class RequestLimits
{
    /// <summary>The request body.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>An event name, a property or trait name, a tag id, a breakdown.</summary>
    public const int MaxNameLength = 200;

    /// <summary>A value compared with (a filter's or a trait condition's value).</summary>
    public const int MaxValueLength = 1_000;

    /// <summary>Filters of one trend or funnel step, and <c>where</c> filters of one old-form audience event.</summary>
    public const int MaxFilters = 20;

    /// <summary>Leaves (tag, trait, event) of one old-form audience condition (<see cref="LegacyAudience"/>; the condition language has its own limits).</summary>
    public const int MaxAudienceLeaves = 100;

    /// <summary>Nesting of all/any/not in one old-form audience condition.</summary>
    public const int MaxAudienceDepth = 16;

    /// <summary>A problem when <paramref name="value"/> is over <see cref="MaxNameLength"/>, else null (required checks are the caller's).</summary>
    public static string? Name(string? value, string field) =>
        value is { Length: > MaxNameLength } ? $"{field} is {value.Length} characters long; at most {MaxNameLength}." : null;

    public static string? Value(string? value, string field) =>
        value is { Length: > MaxValueLength } ? $"{field} is {value.Length} characters long; at most {MaxValueLength}." : null;
}
