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
        slot.Count++;
        if (inHours)
            slot.InHours++;
        messageId = messageId.Length > TieBreakLength ? messageId[..TieBreakLength] : messageId;
        var valueJson = value?.ToString();
        if (slot.First is null || timestamp < slot.First || (timestamp == slot.First && string.CompareOrdinal(messageId, slot.FirstId) < 0))
            (slot.First, slot.FirstId, slot.FirstValue) = (timestamp, messageId, valueJson);
        if (slot.Last is null || timestamp > slot.Last || (timestamp == slot.Last && string.CompareOrdinal(messageId, slot.LastId) > 0))
            (slot.Last, slot.LastId, slot.LastValue) = (timestamp, messageId, valueJson);
        var number = value is { IsNumber: true } v ? v.Number : (decimal?)null;
        if (number is { } n)
        {
            slot.Sum = SaturatingAdd(slot.Sum, n);
            slot.Numeric++;
            slot.Min = slot.Min is { } mn ? Math.Min(mn, n) : n;
            slot.Max = slot.Max is { } mx ? Math.Max(mx, n) : n;
        }
        var day = LocalTime.Day(timestamp, zone);
        // Days older than the longest window are never read again; days after tomorrow are clock errors.
        if (day > today - Metric.MaxWindowDays && day <= today + 1)
        {
            ref var bucket = ref CollectionsMarshal.GetValueRefOrAddDefault(slot.Days, day, out _);
            bucket.Count++;
            if (inHours)
                bucket.InHours++;
            if (number is { } dn)
            {
                bucket.Sum = SaturatingAdd(bucket.Sum, dn);
                bucket.Numeric++;
                bucket.Min = bucket.Min is { } bmn ? Math.Min(bmn, dn) : dn;
                bucket.Max = bucket.Max is { } bmx ? Math.Max(bmx, dn) : dn;
            }
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
        into.Count += from.Count;
        into.Sum = SaturatingAdd(into.Sum, from.Sum);
        into.Numeric += from.Numeric;
        into.InHours += from.InHours;
        into.Min = MinOf(into.Min, from.Min);
        into.Max = MaxOf(into.Max, from.Max);
        if (from.First is not null && (into.First is null || from.First < into.First || (from.First == into.First && string.CompareOrdinal(from.FirstId, into.FirstId) < 0)))
            (into.First, into.FirstId, into.FirstValue) = (from.First, from.FirstId, from.FirstValue);
        if (from.Last is not null && (into.Last is null || from.Last > into.Last || (from.Last == into.Last && string.CompareOrdinal(from.LastId, into.LastId) > 0)))
            (into.Last, into.LastId, into.LastValue) = (from.Last, from.LastId, from.LastValue);
        foreach (var (day, bucket) in from.Days)
        {
            ref var target = ref CollectionsMarshal.GetValueRefOrAddDefault(into.Days, day, out var existed);
            if (!existed)
            {
                target = bucket;
                continue;
            }
            target.Count += bucket.Count;
            target.Sum = SaturatingAdd(target.Sum, bucket.Sum);
            target.Numeric += bucket.Numeric;
            target.InHours += bucket.InHours;
            target.Min = MinOf(target.Min, bucket.Min);
            target.Max = MaxOf(target.Max, bucket.Max);
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

    private static decimal? MinOf(decimal? a, decimal? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
    private static decimal? MaxOf(decimal? a, decimal? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}
