using System.Text.Json;
using Streaming.Conditions.Evaluation;
using Streaming.Conditions.Model;
using Streaming.Profiles.Model;

namespace Streaming.Profiles.Metrics;

/// <summary>Answers an event metric from the series that hold it (docs/conditions.md, "Metrics").</summary>
public static class MetricReader
{
    private const long MsPerHour = 3_600_000;
    private const long MsPerDay = 24 * MsPerHour;

    public static Scalar? Read(EventMetric metric, IReadOnlyList<SlotData> slots, TimeZoneInfo zone, long now)
    {
        var today = LocalTime.Day(now, zone);
        IEnumerable<KeyValuePair<int, DayBucket>> Buckets() => metric.WindowDays is { } w
            ? slots.SelectMany(s => s.Days).Where(d => LocalTime.InWindow(d.Key, today, w))
            : slots.SelectMany(s => s.Days);
        var windowed = metric.WindowDays is not null;
        switch (metric.Function)
        {
            case MetricFunction.Count:
                return Scalar.Of(windowed ? Buckets().Sum(b => b.Value.Count) : slots.Sum(s => s.Count));
            case MetricFunction.Sum:
                return Scalar.Of(windowed ? Buckets().Sum(b => b.Value.Sum) : slots.Sum(s => s.Sum));
            case MetricFunction.Avg:
            {
                var (sum, n) = windowed
                    ? (Buckets().Sum(b => b.Value.Sum), Buckets().Sum(b => b.Value.Numeric))
                    : (slots.Sum(s => s.Sum), slots.Sum(s => s.Numeric));
                return n == 0 ? null : Scalar.Of(sum / n);
            }
            case MetricFunction.Min:
                return Number(windowed ? Buckets().Select(b => b.Value.Min).Min() : slots.Select(s => s.Min).Min());
            case MetricFunction.Max:
                return Number(windowed ? Buckets().Select(b => b.Value.Max).Max() : slots.Select(s => s.Max).Max());
            case MetricFunction.Distinct:
                if (metric.Property?.AttributeName == FieldPath.Day)
                    return Scalar.Of(Buckets().Where(b => b.Value.Count > 0).Select(b => b.Key).Distinct().Count());
                return Scalar.Of(slots.SelectMany(s => s.Distinct ?? [])
                    .Where(d => metric.WindowDays is not { } dw || LocalTime.InWindow(d.Value, today, dw))
                    .Select(d => d.Key).Distinct(StringComparer.Ordinal).Count());
            case MetricFunction.First:
            {
                var first = slots.Where(s => s.First is not null).OrderBy(s => s.First).ThenBy(s => s.FirstId, StringComparer.Ordinal).FirstOrDefault();
                return first is null ? null : metric.Property is null ? Scalar.Of(first.First!.Value) : FromJson(first.FirstValue);
            }
            case MetricFunction.Last:
            {
                var last = slots.Where(s => s.Last is not null).OrderByDescending(s => s.Last).ThenByDescending(s => s.LastId, StringComparer.Ordinal).FirstOrDefault();
                return last is null ? null : metric.Property is null ? Scalar.Of(last.Last!.Value) : FromJson(last.LastValue);
            }
            case MetricFunction.ShareOfHours:
            {
                var (inHours, all) = windowed
                    ? (Buckets().Sum(b => b.Value.InHours), Buckets().Sum(b => b.Value.Count))
                    : (slots.Sum(s => s.InHours), slots.Sum(s => s.Count));
                return all == 0 ? null : Scalar.Of((decimal)inHours / all);
            }
            case MetricFunction.DaysSince:
            case MetricFunction.HoursSince:
            {
                var latest = slots.Max(s => s.Last);
                if (latest is null)
                    return null;
                var unit = metric.Function == MetricFunction.DaysSince ? MsPerDay : MsPerHour;
                return Scalar.Of((long)Math.Floor((now - latest.Value) / (double)unit));
            }
            default:
                return null;
        }
    }

    private static Scalar? Number(decimal? value) => value is { } v ? Scalar.Of(v) : null;

    private static Scalar? FromJson(string? json)
    {
        if (json is null)
            return null;
        using var document = JsonDocument.Parse(json);
        return Scalar.FromJson(document.RootElement);
    }
}
