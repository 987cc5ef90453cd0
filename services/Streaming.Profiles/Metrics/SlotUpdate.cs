using System.Runtime.InteropServices;
using Streaming.Conditions.Evaluation;
using Streaming.Conditions.Model;
using Streaming.Profiles.Model;

namespace Streaming.Profiles.Metrics;

/// <summary>Adds one event to a series: lifetime aggregates, its daily bucket, first/last, distinct values.</summary>
public static class SlotUpdate
{
    /// <summary>Characters of the messageId kept for tie-breaks: enough to order any two ids that differ early, small enough to keep profiles small.</summary>
    public const int TieBreakLength = 8;

    public static void Add(SlotData slot, long timestamp, string messageId, Scalar? value, bool inHours, TimeZoneInfo zone, int today, bool trackDistinct)
    {
        var number = value is { IsNumber: true } v ? v.Number : (decimal?)null;
        AddEvent(ref slot, number, inHours);
        messageId = messageId.Length > TieBreakLength ? messageId[..TieBreakLength] : messageId;
        var valueJson = value?.ToString();
        if (Precedes(timestamp, messageId, slot.First, slot.FirstId))
            (slot.First, slot.FirstId, slot.FirstValue) = (timestamp, messageId, valueJson);
        if (Follows(timestamp, messageId, slot.Last, slot.LastId))
            (slot.Last, slot.LastId, slot.LastValue) = (timestamp, messageId, valueJson);
        var day = LocalTime.Day(timestamp, zone);
        // Days older than the longest window are never read again; days after tomorrow are clock errors.
        if (day > today - Metric.MaxWindowDays && day <= today + 1)
        {
            AddEvent(ref CollectionsMarshal.GetValueRefOrAddDefault(slot.Days, day, out _), number, inHours);
        }
        if (trackDistinct && valueJson is not null)
        {
            slot.Distinct ??= new(StringComparer.Ordinal);
            slot.Distinct[valueJson] = Math.Max(day, slot.Distinct.GetValueOrDefault(valueJson, int.MinValue));
            if (slot.Distinct.Count > Metric.DistinctCap)
                slot.Distinct.Remove(slot.Distinct.MinBy(p => p.Value).Key);
        }
    }

    /// <summary>Drops daily buckets that no window reaches any more.</summary>
    public static void Prune(SlotData slot, int today)
    {
        // Removing while enumerating is allowed for Dictionary since .NET Core 3.0.
        foreach (var day in slot.Days.Keys)
        {
            if (day <= today - Metric.MaxWindowDays)
                slot.Days.Remove(day);
        }
    }

    /// <summary>Adds everything of <paramref name="from"/> to <paramref name="into"/> (profile merges).</summary>
    public static void Merge(SlotData into, SlotData from)
    {
        AddTotals(ref into, from);
        if (from.First is { } first && Precedes(first, from.FirstId, into.First, into.FirstId))
            (into.First, into.FirstId, into.FirstValue) = (from.First, from.FirstId, from.FirstValue);
        if (from.Last is { } last && Follows(last, from.LastId, into.Last, into.LastId))
            (into.Last, into.LastId, into.LastValue) = (from.Last, from.LastId, from.LastValue);
        foreach (var (day, bucket) in from.Days)
        {
            ref var target = ref CollectionsMarshal.GetValueRefOrAddDefault(into.Days, day, out var existed);
            if (!existed)
            {
                target = bucket;
                continue;
            }
            AddTotals(ref target, bucket);
        }
        if (from.Distinct is not null)
        {
            into.Distinct ??= new(StringComparer.Ordinal);
            foreach (var (value, day) in from.Distinct)
                into.Distinct[value] = Math.Max(day, into.Distinct.GetValueOrDefault(value, int.MinValue));
            while (into.Distinct.Count > Metric.DistinctCap)
                into.Distinct.Remove(into.Distinct.MinBy(p => p.Value).Key);
        }
    }

    /// <summary>Sums stop at the decimal range instead of failing the event (which would dead-letter it).</summary>
    public static decimal SaturatingAdd(decimal a, decimal b)
    {
        try
        {
            return a + b;
        }
        catch (OverflowException)
        {
            return b > 0 ? decimal.MaxValue : decimal.MinValue;
        }
    }

    /// <summary>Whether an event at (<paramref name="at"/>, <paramref name="id"/>) is before the first one kept: earlier, or the same millisecond and the smaller id.</summary>
    private static bool Precedes(long at, string? id, long? first, string? firstId) =>
        first is null || at < first || (at == first && string.CompareOrdinal(id, firstId) < 0);

    /// <summary>Whether an event is after the last one kept: later, or the same millisecond and the larger id.</summary>
    private static bool Follows(long at, string? id, long? last, string? lastId) =>
        last is null || at > last || (at == last && string.CompareOrdinal(id, lastId) > 0);

    /// <summary>One event into lifetime or daily totals (a struct bucket is changed in place through the ref).</summary>
    private static void AddEvent<T>(ref T totals, decimal? number, bool inHours) where T : ISeriesTotals
    {
        totals.Count++;
        if (inHours)
            totals.InHours++;
        if (number is { } n)
        {
            totals.Sum = SaturatingAdd(totals.Sum, n);
            totals.Numeric++;
            totals.Min = MinOf(totals.Min, n);
            totals.Max = MaxOf(totals.Max, n);
        }
    }

    /// <summary>Totals of <paramref name="from"/> added to <paramref name="into"/> (merges of profiles and of their days).</summary>
    private static void AddTotals<T>(ref T into, T from) where T : ISeriesTotals
    {
        into.Count += from.Count;
        into.Sum = SaturatingAdd(into.Sum, from.Sum);
        into.Numeric += from.Numeric;
        into.InHours += from.InHours;
        into.Min = MinOf(into.Min, from.Min);
        into.Max = MaxOf(into.Max, from.Max);
    }

    private static decimal? MinOf(decimal? a, decimal? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
    private static decimal? MaxOf(decimal? a, decimal? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}
