using System.Text.Json.Nodes;
using Streaming.Conditions.Evaluation;
using Streaming.Conditions.Model;
using Streaming.Profiles.Metrics;
using Streaming.Profiles.Model;
using Streaming.Profiles.Pipeline;
using Streaming.Profiles.Tags;

namespace Streaming.Profiles.Api;

/// <summary>The JSON answer of the profile API: traits, metrics, tags with since-when and why they hold.</summary>
public sealed record ProfileView(
    long PersonId,
    IReadOnlyList<string> Identifiers,
    JsonObject Traits,
    ProfileMetrics Metrics,
    IReadOnlyList<TagView> Tags)
{
    public static ProfileView From(long personId, ProfileState state, TenantTags tags, long now)
    {
        var traits = new JsonObject();
        foreach (var (name, trait) in state.Traits.OrderBy(t => t.Key, StringComparer.Ordinal))
            traits[name] = JsonNode.Parse(trait.Json);
        var orders = state.Slots.GetValueOrDefault(MetricSource.NameSlot(ApplyEventStep.OrderCompleted));
        var events = state.Slots.Where(s => s.Key.StartsWith("n:", StringComparison.Ordinal)).OrderBy(s => s.Key, StringComparer.Ordinal)
            .ToDictionary(s => s.Key[2..], s => EventMetrics.From(s.Value, now));
        var metrics = new ProfileMetrics(
            state.FirstSeen, state.LastSeen, state.Sessions,
            orders?.Count ?? 0, orders?.Sum ?? 0, orders is { Count: > 0 } o ? Math.Round(o.Sum / o.Count, 2) : null, orders?.Last,
            state.CartOpenSince, state.ActiveHours, state.Channels, state.Sources,
            state.Slots.TryGetValue(MetricSource.AllEvents, out var all) ? EventMetrics.From(all, now) : null, events);
        var tagViews = state.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t =>
        {
            var tag = tags.Tags.FirstOrDefault(x => x.Id == t.Key);
            var why = tag is null ? [] : ConditionEvaluator.Explain(tag.Definition.Condition, new ProfileFacts(state, tag, now))
                .Select(w => new TagReason(w.What, w.Value?.ToString())).ToList();
            return new TagView(t.Key, t.Value, tag?.Definition.Name, why);
        }).ToList();
        return new ProfileView(personId, state.Identifiers, traits, metrics, tagViews);
    }
}

public sealed record ProfileMetrics(
    long? FirstSeen, long? LastSeen, long Sessions,
    long Orders, decimal Revenue, decimal? AverageOrderValue, long? LastOrderAt, long? CartOpenSince,
    long[] ActiveHours, IReadOnlyDictionary<string, long> Channels, IReadOnlyDictionary<string, long> Sources,
    EventMetrics? AllEvents, IReadOnlyDictionary<string, EventMetrics> Events);

/// <summary>Per event name: lifetime count, rolling windows (UTC days), revenue, first and last time.</summary>
public sealed record EventMetrics(long Count, long Last7d, long Last30d, long Last90d, decimal Revenue, long? First, long? Last)
{
    public static EventMetrics From(SlotData slot, long now)
    {
        var today = LocalTime.Day(now, TimeZoneInfo.Utc);
        long Window(int days) => slot.Days.Where(d => LocalTime.InWindow(d.Key, today, days)).Sum(d => d.Value.Count);
        return new EventMetrics(slot.Count, Window(7), Window(30), Window(Metric.MaxWindowDays), slot.Sum, slot.First, slot.Last);
    }
}

public sealed record TagView(string Id, long Since, string? Name, IReadOnlyList<TagReason> Why);

/// <summary>A metric or trait the tag's condition reads and its current value (JSON text).</summary>
public sealed record TagReason(string Metric, string? Value);
