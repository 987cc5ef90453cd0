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
    private const long MsPerHour = 3_600_000;
    private const long MsPerDay = 24 * MsPerHour;

    public static long? NextDue(ProfileState state, TenantTags tags, long now)
    {
        long? due = null;
        void Consider(long at)
        {
            if (at > now && (due is null || at < due))
                due = at;
        }
        var cache = new Dictionary<string, Scalar?>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tag in tags.Tags)
        {
            foreach (var (metric, source) in tag.Sources)
            {
                if (!metric.DependsOnTime || !seen.Add(source.Key))
                    continue;
                var slots = source.SlotIds.Select(id => state.Slots.GetValueOrDefault(id)).OfType<SlotData>().ToList();
                if (metric.WindowDays is not null && slots.Any(s => s.Days.Count > 0))
                    Consider(NextMidnight(now, source.Zone));
                if (metric.Function is MetricFunction.DaysSince or MetricFunction.HoursSince && slots.Max(s => s.Last) is { } latest)
                {
                    var unit = metric.Function == MetricFunction.DaysSince ? MsPerDay : MsPerHour;
                    Consider(latest + ((long)Math.Floor((now - latest) / (double)unit) + 1) * unit);
                }
            }
            var facts = new ProfileFacts(state, tag, now, cache);
            foreach (var (metric, ago) in AgoComparisons(tag.Definition.Condition))
            {
                if (ConditionEvaluator.Value(metric, facts) is { IsNumber: true } value)
                    Consider((long)value.Number + (long)ago.TotalMilliseconds + 1);
            }
        }
        return due;
    }

    private static long NextMidnight(long now, TimeZoneInfo zone)
    {
        if (zone == TimeZoneInfo.Utc)
            return (LocalTime.Day(now, zone) + 1L) * MsPerDay;
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(now), zone);
        var midnight = DateTime.SpecifyKind(local.Date.AddDays(1), DateTimeKind.Unspecified);
        // A zone that skips midnight (DST at 00:00) has no such local time: look again an hour later.
        return zone.IsInvalidTime(midnight)
            ? new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(midnight.AddHours(1), zone)).ToUnixTimeMilliseconds()
            : new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(midnight, zone)).ToUnixTimeMilliseconds();
    }

    private static IEnumerable<(Metric Metric, TimeSpan Ago)> AgoComparisons(Condition condition) => condition switch
    {
        AllCondition all => all.Conditions.SelectMany(AgoComparisons),
        AnyCondition any => any.Conditions.SelectMany(AgoComparisons),
        NotCondition not => AgoComparisons(not.Condition),
        MetricCondition m => m.Operands.OfType<AgoOperand>().Select(a => (m.Metric, a.Duration)),
        _ => [],
    };
}
