namespace Streaming.Conditions.Model;

/// <summary>What a metric computes over the matching events. See docs/conditions.md for exact semantics.</summary>
public enum MetricFunction
{
    /// <summary>Number of matching events in the window (0 when none).</summary>
    Count,
    /// <summary>Sum of a numeric property over matching events in the window (0 when none).</summary>
    Sum,
    /// <summary>Average of a numeric property (null when no numeric value).</summary>
    Avg,
    /// <summary>Smallest numeric property value (null when none).</summary>
    Min,
    /// <summary>Largest numeric property value (null when none).</summary>
    Max,
    /// <summary>Number of distinct values of a property (0 when none; exact up to <see cref="Metric.DistinctCap"/>).</summary>
    Distinct,
    /// <summary>Time (epoch ms) of the earliest matching event, or the property's value at it; lifetime only.</summary>
    First,
    /// <summary>Time (epoch ms) of the latest matching event, or the property's value at it; lifetime only.</summary>
    Last,
    /// <summary>Share (0..1) of matching events in the window whose local hour is in the hour range (null when none).</summary>
    ShareOfHours,
    /// <summary>Whole days (24 h periods) elapsed since the latest matching event (null when none).</summary>
    DaysSince,
    /// <summary>Whole hours elapsed since the latest matching event (null when none).</summary>
    HoursSince,
}

/// <summary>A number computed from the person's events (or from another metric, for scores).</summary>
public abstract record Metric
{
    /// <summary>Longest window a live profile keeps daily buckets for.</summary>
    public const int MaxWindowDays = 90;

    /// <summary>Distinct values a live profile tracks per metric; thresholds above it are refused.</summary>
    public const int DistinctCap = 50;
}

/// <summary>
/// An aggregate over the person's events that match <see cref="Event"/>, optionally within a
/// rolling window of whole days (the current local day plus the <c>WindowDays - 1</c> before it).
/// </summary>
public sealed record EventMetric(
    MetricFunction Function,
    EventFilter Event,
    FieldPath? Property = null,
    int? WindowDays = null,
    HourRange? Hours = null) : Metric
{
    /// <summary>True when the value is a time (epoch ms): first/last without a property.</summary>
    public bool IsTime => Function is MetricFunction.First or MetricFunction.Last && Property is null;

    /// <summary>True when the value can change with the passing of time alone.</summary>
    public bool DependsOnTime => WindowDays is not null || Function is MetricFunction.DaysSince or MetricFunction.HoursSince;
}

/// <summary>
/// A 1..5 score of another metric by four ascending thresholds t1..t4: with ascending order the
/// score is 1 + the number of thresholds the value reaches (value &gt;= t); with descending order
/// (lower is better, e.g. recency) it is 5 minus that number. Null when the inner metric is null.
/// </summary>
public sealed record ScoreMetric(Metric Of, IReadOnlyList<decimal> Thresholds, bool Descending) : Metric;

/// <summary>Local hours [From, To) of the day, 0..24; From &gt; To wraps past midnight (22..2 = 22,23,0,1).</summary>
public sealed record HourRange(int From, int To)
{
    public bool Contains(int hour) => From < To ? hour >= From && hour < To : hour >= From || hour < To;
}
