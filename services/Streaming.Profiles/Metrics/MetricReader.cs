using System.Text.Json;
using Streaming.Conditions.Evaluation;
using Streaming.Conditions.Model;
using Streaming.Profiles.Model;

namespace Streaming.Profiles.Metrics;

/// <summary>Answers an event metric from the series that hold it (docs/conditions.md, "Metrics").</summary>
public static class MetricReader
{
    private static readonly SlotData NoEvents = new();

    /// <summary>The unit, in milliseconds, that daysSince/hoursSince count.</summary>
    public static long SinceUnit(MetricFunction function) =>
        function == MetricFunction.DaysSince ? TimeSpan.MillisecondsPerDay : TimeSpan.MillisecondsPerHour;

    /// <summary>Whole units from <paramref name="latest"/> to <paramref name="now"/>: what daysSince/hoursSince answer.</summary>
    public static long UnitsSince(long latest, long now, long unit) => (long)Math.Floor((now - latest) / (double)unit);

    /// <summary>The metric over the profile's series that <paramref name="source"/> names (a missing series: no events).</summary>
    public static Scalar? Read(EventMetric metric, MetricSource source, ProfileState state, long now)
    {
        var slots = new SlotData[source.SlotIds.Count];
        for (var i = 0; i < slots.Length; i++)
            slots[i] = state.Slots.GetValueOrDefault(source.SlotIds[i]) ?? NoEvents;
        return Read(metric, slots, source.Zone, now);
    }

    /// <summary>A trait's current value as the condition language sees it (null when the profile has none).</summary>
    public static Scalar? Trait(ProfileState state, string name)
    {
        if (!state.Traits.TryGetValue(name, out var trait))
            return null;
        using var document = JsonDocument.Parse(trait.Json);
        return Scalar.FromJson(document.RootElement);
    }

    public static Scalar? Read(EventMetric metric, IReadOnlyList<SlotData> slots, TimeZoneInfo zone, long now)
    {
        switch (metric.Function)
        {
            case MetricFunction.First:
            {
                SlotData? first = null;
                foreach (var s in slots)
                {
                    if (s.First is not null && (first is null || s.First < first.First || (s.First == first.First && string.CompareOrdinal(s.FirstId, first.FirstId) < 0)))
                        first = s;
                }
                return first is null ? null : metric.Property is null ? Scalar.Of(first.First!.Value) : FromJson(first.FirstValue);
            }
            case MetricFunction.Last:
            {
                var last = Latest(slots);
                return last is null ? null : metric.Property is null ? Scalar.Of(last.Last!.Value) : FromJson(last.LastValue);
            }
            case MetricFunction.DaysSince:
            case MetricFunction.HoursSince:
            {
                if (Latest(slots)?.Last is not { } latest)
                    return null;
                return Scalar.Of(UnitsSince(latest, now, SinceUnit(metric.Function)));
            }
            case MetricFunction.Distinct when metric.Property?.AttributeName != FieldPath.Day:
            {
                var today = LocalTime.Day(now, zone);
                var values = new HashSet<string>(StringComparer.Ordinal);
                foreach (var s in slots)
                {
                    foreach (var (value, day) in s.Distinct ?? [])
                    {
                        if (metric.WindowDays is not { } w || LocalTime.InWindow(day, today, w))
                            values.Add(value);
                    }
                }
                return Scalar.Of(values.Count);
            }
        }

        var total = Aggregate(metric, slots, zone, now);
        return metric.Function switch
        {
            MetricFunction.Count => Scalar.Of(total.Count),
            MetricFunction.Sum => Scalar.Of(total.Sum),
            MetricFunction.Avg => total.Numeric == 0 ? null : Scalar.Of(total.Sum / total.Numeric),
            MetricFunction.Min => total.Min is { } min ? Scalar.Of(min) : null,
            MetricFunction.Max => total.Max is { } max ? Scalar.Of(max) : null,
            MetricFunction.Distinct => Scalar.Of(total.Days),
            MetricFunction.ShareOfHours => total.Count == 0 ? null : Scalar.Of((decimal)total.InHours / total.Count),
            _ => null,
        };
    }

    private static SlotData? Latest(IReadOnlyList<SlotData> slots)
    {
        SlotData? last = null;
        foreach (var s in slots)
        {
            if (s.Last is not null && (last is null || s.Last > last.Last || (s.Last == last.Last && string.CompareOrdinal(s.LastId, last.LastId) > 0)))
                last = s;
        }
        return last;
    }

    private record struct Totals(long Count, decimal Sum, long Numeric, long InHours, decimal? Min, decimal? Max, int Days);

    /// <summary>One pass: lifetime aggregates, or the daily buckets of the window; active days for distinct($day).</summary>
    private static Totals Aggregate(EventMetric metric, IReadOnlyList<SlotData> slots, TimeZoneInfo zone, long now)
    {
        var totals = new Totals();
        var countDays = metric.Function == MetricFunction.Distinct;
        if (metric.WindowDays is null && !countDays)
        {
            foreach (var s in slots)
            {
                totals.Count += s.Count;
                totals.Sum = SlotUpdate.SaturatingAdd(totals.Sum, s.Sum);
                totals.Numeric += s.Numeric;
                totals.InHours += s.InHours;
                totals.Min = s.Min is { } mn && (totals.Min is null || mn < totals.Min) ? mn : totals.Min;
                totals.Max = s.Max is { } mx && (totals.Max is null || mx > totals.Max) ? mx : totals.Max;
            }
            return totals;
        }
        var today = LocalTime.Day(now, zone);
        HashSet<int>? days = countDays && slots.Count > 1 ? [] : null;
        // Only sum/avg/min/max read the amounts: the others skip the decimal arithmetic.
        var amounts = metric.Function is MetricFunction.Sum or MetricFunction.Avg or MetricFunction.Min or MetricFunction.Max;
        foreach (var s in slots)
        {
            foreach (var (day, b) in s.Days)
            {
                if (metric.WindowDays is { } w && !LocalTime.InWindow(day, today, w))
                    continue;
                totals.Count += b.Count;
                totals.InHours += b.InHours;
                if (amounts)
                {
                    totals.Sum = SlotUpdate.SaturatingAdd(totals.Sum, b.Sum);
                    totals.Numeric += b.Numeric;
                    totals.Min = b.Min is { } mn && (totals.Min is null || mn < totals.Min) ? mn : totals.Min;
                    totals.Max = b.Max is { } mx && (totals.Max is null || mx > totals.Max) ? mx : totals.Max;
                }
                if (countDays && b.Count > 0)
                {
                    if (days is null)
                        totals.Days++;
                    else
                        days.Add(day);
                }
            }
        }
        if (days is not null)
            totals.Days = days.Count;
        return totals;
    }

    private static Scalar? FromJson(string? json)
    {
        if (json is null)
            return null;
        using var document = JsonDocument.Parse(json);
        return Scalar.FromJson(document.RootElement);
    }
}
