using System.Collections.Frozen;
using Streaming.Profiles.Metrics;
using Streaming.Profiles.Model;
using Streaming.Profiles.Storage;

namespace Streaming.Scoring.Features;

/// <summary>
/// The churn features of a live profile at an instant (<see cref="ChurnFeatures"/>). Windows read
/// the profile's UTC daily buckets (kept 90 days), lifetime figures its per-name series.
/// </summary>
public static class OnlineChurnFeatures
{
    private static readonly SlotData NoEvents = new();

    /// <summary>The series the features read: a stored profile is decoded for these only (<see cref="ProfileCodec.DecodeSeries"/>).</summary>
    public static readonly FrozenSet<string> Series = new[] { MetricSource.AllEvents, MetricSource.NameSlot(ChurnFeatures.OrderCompleted), MetricSource.NameSlot(ChurnFeatures.OrderRefunded) }
        .Concat(ChurnFeatures.EngagementEvents.Select(MetricSource.NameSlot)).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The features of a stored (encoded) profile, reading only <see cref="Series"/>: what the service scores with.</summary>
    public static void Of(byte[] storedProfile, long now, Span<float> vector) => Of(ProfileCodec.DecodeSeries(storedProfile, Series), now, vector);

    public static float[] Of(ProfileState profile, long now)
    {
        var vector = new float[ChurnFeatures.Count];
        Of(profile, now, vector);
        return vector;
    }

    /// <summary>The features into <paramref name="vector"/> (<see cref="ChurnFeatures.Count"/> long): a buffer reused across persons.</summary>
    public static void Of(ProfileState profile, long now, Span<float> vector)
    {
        vector.Clear();
        var today = ChurnFeatures.Day(now);
        var orders = Slot(profile, ChurnFeatures.OrderCompleted);
        var all = profile.Slots.GetValueOrDefault(MetricSource.AllEvents) ?? NoEvents;

        vector[ChurnFeatures.DaysSinceLastOrder] = orders.Last is { } lastOrder ? ChurnFeatures.DaysBetween(lastOrder, now) : ChurnFeatures.NotApplicable;
        vector[ChurnFeatures.DaysSinceLastVisit] = all.Last is { } lastSeen ? ChurnFeatures.DaysBetween(lastSeen, now) : ChurnFeatures.NotApplicable;
        vector[ChurnFeatures.Orders30d] = Count(orders, today, 30);
        vector[ChurnFeatures.Orders90d] = Count(orders, today, 90);
        vector[ChurnFeatures.OrdersTotal] = orders.Count;
        vector[ChurnFeatures.Revenue30d] = Sum(orders, today, 30);
        vector[ChurnFeatures.Revenue90d] = Sum(orders, today, 90);
        vector[ChurnFeatures.RevenueTotal] = (float)orders.Sum;
        vector[ChurnFeatures.TenureDays] = all.First is { } firstSeen ? ChurnFeatures.DaysBetween(firstSeen, now) : ChurnFeatures.NotApplicable;
        vector[ChurnFeatures.ActiveDays7d] = ActiveDays(all, today, 7);
        vector[ChurnFeatures.ActiveDays28d] = ActiveDays(all, today, 28);
        vector[ChurnFeatures.Refunds] = Slot(profile, ChurnFeatures.OrderRefunded).Count;
        var engagement = 0f;
        foreach (var name in ChurnFeatures.EngagementEvents)
            engagement += Count(Slot(profile, name), today, 90);
        vector[ChurnFeatures.Engagement90d] = engagement;
        vector[ChurnFeatures.OpenCart] = profile.CartOpenSince is not null ? 1 : 0;
        ChurnFeatures.Derive(vector, orders.First, orders.Last);
    }

    private static SlotData Slot(ProfileState profile, string eventName) =>
        profile.Slots.GetValueOrDefault(MetricSource.NameSlot(eventName)) ?? NoEvents;

    /// <summary>Days in (today - window, today], as the condition language's windows.</summary>
    private static bool InWindow(int day, int today, int window) => day <= today && day > today - window;

    private static float Count(SlotData slot, int today, int window)
    {
        long count = 0;
        foreach (var (day, bucket) in slot.Days)
        {
            if (InWindow(day, today, window))
                count += bucket.Count;
        }
        return count;
    }

    private static float Sum(SlotData slot, int today, int window)
    {
        decimal sum = 0;
        foreach (var (day, bucket) in slot.Days)
        {
            if (InWindow(day, today, window))
                sum += bucket.Sum;
        }
        return (float)sum;
    }

    private static float ActiveDays(SlotData slot, int today, int window)
    {
        var days = 0;
        foreach (var (day, bucket) in slot.Days)
        {
            if (bucket.Count > 0 && InWindow(day, today, window))
                days++;
        }
        return days;
    }
}
