using System.Security.Cryptography;
using System.Text;
using Streaming.Conditions.Model;
using Streaming.Conditions.Parsing;

namespace Streaming.Profiles.Metrics;

/// <summary>
/// A dedicated event series kept for metrics the built-in per-name series cannot answer
/// (property predicates, other properties, other time zones, hour ranges). Equal specs share one
/// series, whichever definitions use them. It starts counting when the first definition using it is active.
/// </summary>
public sealed record SlotSpec(string Id, EventFilter Filter, FieldPath? Property, HourRange? Hours, TimeZoneInfo Zone)
{
    public static SlotSpec For(EventMetric metric, TimeZoneInfo zone)
    {
        var text = $"{ConditionWriter.Write(metric.Event)}|{metric.Property}|{metric.Hours?.From}-{metric.Hours?.To}|{zone.Id}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
        return new SlotSpec("x:" + hash, metric.Event, metric.Property, metric.Hours, zone);
    }
}

/// <summary>
/// Where a metric is read from: the built-in series of some event names (or all events), or a
/// dedicated series. <see cref="Key"/> identifies the metric's value, so tags that read the same
/// metric share one computation per evaluation.
/// </summary>
public sealed record MetricSource(IReadOnlyList<string> SlotIds, TimeZoneInfo Zone, string Key)
{
    public const string AllEvents = "*";
    public static readonly FieldPath Revenue = FieldPath.Property("revenue");

    public static string NameSlot(string eventName) => "n:" + eventName;

    /// <summary>The built-in series answer name-only filters in UTC for the functions they keep (see docs/conditions.md).</summary>
    public static MetricSource For(EventMetric metric, TimeZoneInfo zone, out SlotSpec? dedicated)
    {
        dedicated = null;
        var key = $"{zone.Id}|{ConditionWriter.Write(metric)}";
        if (zone == TimeZoneInfo.Utc && metric.Event.IsNameOnly && metric.Hours is null && BuiltInAnswers(metric))
            return new MetricSource(metric.Event.Names.Count == 0 ? [AllEvents] : [.. metric.Event.Names.Select(NameSlot)], zone, key);
        dedicated = SlotSpec.For(metric, zone);
        return new MetricSource([dedicated.Id], zone, key);
    }

    private static bool BuiltInAnswers(EventMetric metric) => metric.Function switch
    {
        MetricFunction.Count or MetricFunction.DaysSince or MetricFunction.HoursSince => true,
        MetricFunction.First or MetricFunction.Last => metric.Property is null || metric.Property.Equals(Revenue),
        MetricFunction.Sum or MetricFunction.Avg or MetricFunction.Min or MetricFunction.Max => Revenue.Equals(metric.Property),
        MetricFunction.Distinct => metric.Property?.AttributeName == FieldPath.Day,
        _ => false,
    };
}
