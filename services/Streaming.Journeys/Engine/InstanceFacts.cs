using System.Text.Json;
using Streaming.Conditions.Evaluation;
using Streaming.Conditions.Model;
using Streaming.Contracts.Records;
using Streaming.Journeys.Model;

namespace Streaming.Journeys.Engine;

/// <summary>
/// What journey conditions are evaluated against: the person's traits and tags as journeys keep
/// them, and metrics over the events of the instance (the trigger event, the person's events since
/// entering and the receipts of its messages as <c>Message Opened</c>/<c>Message Clicked</c>/...
/// events with <c>step</c> and <c>channel</c> properties), so "clicked the day-1 push" is
/// <c>{"metric": {"fn": "count", "event": {"name": "Message Clicked", "where": [{"path": "step", "op": "eq", "value": "d1-push"}]}}, "op": "gte", "value": 1}</c>.
/// </summary>
public sealed class InstanceFacts(PersonState state, IReadOnlyList<TrackingEvent> events, long now, TimeZoneInfo zone) : IConditionFacts
{
    public long Now => now;

    public Scalar? Trait(string name) => state.Traits.TryGetValue(name, out var value) ? Scalar.FromJson(value) : null;

    public bool IsTagMember(string tag) => state.Tags.Contains(tag);

    public Scalar? Metric(EventMetric metric)
    {
        var matching = new List<EventView>();
        var today = LocalTime.Day(now, zone);
        foreach (var e in events)
        {
            var view = new EventView(e);
            if (!view.Matches(metric.Event, zone))
                continue;
            if (metric.WindowDays is { } days && !LocalTime.InWindow(LocalTime.Day(e.Timestamp, zone), today, days))
                continue;
            matching.Add(view);
        }
        decimal? Number(EventView v) => metric.Property is { } p && v.Value(p, zone) is { Kind: ScalarKind.Number } s ? s.Number : null;
        var numbers = matching.Select(Number).Where(n => n is not null).Select(n => n!.Value).ToList();
        var latest = matching.Count == 0 ? null : matching.MaxBy(v => v.Timestamp);
        var earliest = matching.Count == 0 ? null : matching.MinBy(v => v.Timestamp);
        return metric.Function switch
        {
            MetricFunction.Count => Scalar.Of(matching.Count),
            MetricFunction.Sum => Scalar.Of(numbers.Sum()),
            MetricFunction.Avg => numbers.Count == 0 ? null : Scalar.Of(numbers.Average()),
            MetricFunction.Min => numbers.Count == 0 ? null : Scalar.Of(numbers.Min()),
            MetricFunction.Max => numbers.Count == 0 ? null : Scalar.Of(numbers.Max()),
            MetricFunction.Distinct => Scalar.Of(matching.Select(v => metric.Property is { } p ? v.Value(p, zone) : null).Where(s => s is not null).Distinct().Count()),
            MetricFunction.First => earliest is null ? null : metric.Property is { } fp ? earliest.Value(fp, zone) : Scalar.Of(earliest.Timestamp),
            MetricFunction.Last => latest is null ? null : metric.Property is { } lp ? latest.Value(lp, zone) : Scalar.Of(latest.Timestamp),
            MetricFunction.DaysSince => latest is null ? null : Scalar.Of((long)Math.Floor((now - latest.Timestamp) / 86_400_000d)),
            MetricFunction.HoursSince => latest is null ? null : Scalar.Of((long)Math.Floor((now - latest.Timestamp) / 3_600_000d)),
            MetricFunction.ShareOfHours => matching.Count == 0 || metric.Hours is null ? null
                : Scalar.Of((decimal)matching.Count(v => metric.Hours.Contains(LocalTime.Hour(v.Timestamp, zone))) / matching.Count),
            _ => null,
        };
    }

    /// <summary>The JSON value of a trait, for template variables.</summary>
    public static JsonElement? TraitJson(PersonState state, string name) => state.Traits.TryGetValue(name, out var value) ? value : null;
}
