using Streaming.Conditions.Evaluation;
using Streaming.Conditions.Model;
using Streaming.Profiles.Metrics;
using Streaming.Profiles.Model;
using Streaming.Profiles.Tags;

namespace Streaming.Profiles.Timers;

/// <summary>
/// The next instant at which a profile's tags can change with no new event: windows slide at local
/// midnight, daysSince/hoursSince tick every 24 h/1 h after the latest event, and
/// <c>{"ago": ..}</c> comparisons flip when the compared time plus the duration passes.
/// </summary>
public static class TagSchedule
{
    public static long? NextDue(ProfileState state, TenantTags tags, long now) => NextDue(new TagEvaluation(state, tags, now), tags);

    /// <summary>The next due time, reusing the metric values <paramref name="evaluation"/> computed for the tags.</summary>
    public static long? NextDue(TagEvaluation evaluation, TenantTags tags)
    {
        var (state, now) = (evaluation.State, evaluation.Now);
        long? due = null;
        void Consider(long at)
        {
            if (at > now && (due is null || at < due))
                due = at;
        }
        foreach (var index in tags.TimeDependentMetrics)
        {
            var (metric, source) = (tags.Metrics[index].Metric, tags.Metrics[index].Source);
            var hasDays = false;
            long? latest = null;
            foreach (var id in source.SlotIds)
            {
                if (!state.Slots.TryGetValue(id, out var slot))
                    continue;
                hasDays |= slot.Days.Count > 0;
                if (slot.Last is { } last && (latest is null || last > latest))
                    latest = last;
            }
            if (metric.WindowDays is not null && hasDays)
                Consider(NextMidnight(now, source.Zone));
            if (metric.Function is MetricFunction.DaysSince or MetricFunction.HoursSince && latest is { } l)
            {
                // The answer ticks when the next whole unit since the latest event is reached.
                var unit = MetricReader.SinceUnit(metric.Function);
                Consider(l + (MetricReader.UnitsSince(l, now, unit) + 1) * unit);
            }
        }
        foreach (var (value, ago) in tags.AgoComparisons)
        {
            if (value(evaluation) is { IsNumber: true } v)
                Consider((long)v.Number + (long)ago.TotalMilliseconds + 1);
        }
        return due;
    }

    private static long NextMidnight(long now, TimeZoneInfo zone)
    {
        if (zone == TimeZoneInfo.Utc)
            return (LocalTime.Day(now, zone) + 1L) * TimeSpan.MillisecondsPerDay;
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(now), zone);
        var midnight = DateTime.SpecifyKind(local.Date.AddDays(1), DateTimeKind.Unspecified);
        // A zone that skips midnight (DST at 00:00) has no such local time: look again an hour later.
        return zone.IsInvalidTime(midnight)
            ? new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(midnight.AddHours(1), zone)).ToUnixTimeMilliseconds()
            : new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(midnight, zone)).ToUnixTimeMilliseconds();
    }
}
