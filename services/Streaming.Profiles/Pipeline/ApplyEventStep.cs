using System.Text.Json;
using Streaming.Conditions.Evaluation;
using Streaming.Profiles.Metrics;
using Streaming.Profiles.Model;
using Streaming.Profiles.Tags;

namespace Streaming.Profiles.Pipeline;

/// <summary>A trait whose value changed: old and new JSON.</summary>
public sealed record TraitChange(string Trait, string? OldJson, string NewJson);

/// <summary>
/// Folds one event into the profile: seen times, sessions, hours, channels, cart, traits (by event
/// time), the built-in per-name series and every dedicated series of the tenant's tags.
/// </summary>
public static class ApplyEventStep
{
    public const string OrderCompleted = "Order Completed";
    public const string ProductAdded = "Product Added";
    public const string CartCleared = "Cart Cleared";
    /// <summary>Event names with their own series per person; later names count only in the all-events series (bounded profiles).</summary>
    public const int MaxEventNames = 100;
    private static readonly long SessionGap = (long)TimeSpan.FromMinutes(30).TotalMilliseconds;

    /// <param name="identifiers">
    /// The identifiers identity linked for this event (<see cref="Contracts.Records.IdentifiedEvent.Identifiers"/>:
    /// an alias's previousId under its type, hashed contacts, the tenant's own types); the event's
    /// userId and anonymousId count in any case (events written before identity listed them).
    /// </param>
    public static IReadOnlyList<TraitChange> Apply(ProfileState state, EventView view, TenantTags tags, long now, IReadOnlyList<string>? identifiers = null)
    {
        var e = view.Event;
        var ts = e.Timestamp;
        var today = LocalTime.Day(now, TimeZoneInfo.Utc);

        if (state.LastSeen is null || ts > state.LastSeen + SessionGap)
            state.Sessions++;
        state.FirstSeen = state.FirstSeen is { } fs ? Math.Min(fs, ts) : ts;
        state.LastSeen = state.LastSeen is { } ls ? Math.Max(ls, ts) : ts;
        state.ActiveHours[LocalTime.Hour(ts, TimeZoneInfo.Utc)]++;
        Increment(state.Channels, view.Channel);
        Increment(state.Sources, e.Source);
        AddIdentifier(state, "userId", e.UserId);
        AddIdentifier(state, "anonymousId", e.AnonymousId);
        if (identifiers is not null)
        {
            for (var i = 0; i < identifiers.Count; i++)
                AddIdentifier(state, identifiers[i]);
        }

        var name = view.Name;
        if (name == ProductAdded && (state.CartOpenSince is null || ts < state.CartOpenSince))
            state.CartOpenSince ??= ts;
        else if (name is OrderCompleted or CartCleared && state.CartOpenSince is { } since && ts >= since)
            state.CartOpenSince = null;

        var revenue = view.Value(MetricSource.Revenue, TimeZoneInfo.Utc);
        // Cut once for every series (each would otherwise cut its own copy).
        var tieBreak = e.MessageId.Length > SlotUpdate.TieBreakLength ? e.MessageId[..SlotUpdate.TieBreakLength] : e.MessageId;
        Add(state, MetricSource.AllEvents, ts, tieBreak, revenue, false, TimeZoneInfo.Utc, today, trackDistinct: false);
        var nameSlot = MetricSource.NameSlot(name);
        if (name.Length > 0 && (state.Slots.ContainsKey(nameSlot) || NameSeries(state) < MaxEventNames))
            Add(state, nameSlot, ts, tieBreak, revenue, false, TimeZoneInfo.Utc, today, trackDistinct: false);
        foreach (var slot in tags.DedicatedSlots)
        {
            if (!view.Matches(slot.Filter, slot.Zone))
                continue;
            var value = slot.Property is null ? null : view.Value(slot.Property, slot.Zone);
            var inHours = slot.Hours?.Contains(LocalTime.Hour(ts, slot.Zone)) ?? false;
            Add(state, slot.Id, ts, tieBreak, value, inHours, slot.Zone, LocalTime.Day(now, slot.Zone), trackDistinct: slot.Property is not null);
        }
        foreach (var slot in state.Slots.Values)
            SlotUpdate.Prune(slot, today);

        var changes = new List<TraitChange>();
        if (e.Type == "identify")
            SetTraits(state, view.Traits, ts, once: false, changes);
        if (view.Properties.ValueKind == JsonValueKind.Object)
        {
            if (view.Properties.TryGetProperty("$set", out var set))
                SetTraits(state, set, ts, once: false, changes);
            if (view.Properties.TryGetProperty("$set_once", out var setOnce))
                SetTraits(state, setOnce, ts, once: true, changes);
        }
        return changes;
    }

    private static void Add(ProfileState state, string id, long ts, string messageId, Conditions.Model.Scalar? value, bool inHours, TimeZoneInfo zone, int today, bool trackDistinct)
    {
        if (!state.Slots.TryGetValue(id, out var slot))
            state.Slots[id] = slot = new SlotData();
        SlotUpdate.Add(slot, ts, messageId, value, inHours, zone, today, trackDistinct);
    }

    /// <summary>Per trait: a later event wins ($set), or an earlier one ($set_once); a late event never overwrites a newer value.</summary>
    private static void SetTraits(ProfileState state, JsonElement traits, long ts, bool once, List<TraitChange> changes)
    {
        if (traits.ValueKind != JsonValueKind.Object)
            return;
        foreach (var property in traits.EnumerateObject())
        {
            if (SetTrait(state, property.Name, property.Value.GetRawText(), ts, once) is { } change)
                changes.Add(change);
        }
    }

    /// <summary>
    /// The one rule a trait is written by, whatever brought it (an event, a score from the scoring
    /// service): a later write wins, or an earlier one for $set_once; the change when the value moved.
    /// </summary>
    public static TraitChange? SetTrait(ProfileState state, string name, string json, long ts, bool once = false)
    {
        state.Traits.TryGetValue(name, out var current);
        var wins = current is null
            || (once ? current.Once && ts < current.At : ts >= current.At || current.Once);
        if (!wins)
            return null;
        state.Traits[name] = new TraitValue { Json = json, At = ts, Once = once };
        return current?.Json != json ? new TraitChange(name, current?.Json, json) : null;
    }

    private static int NameSeries(ProfileState state)
    {
        var count = 0;
        foreach (var id in state.Slots.Keys)
        {
            if (id.StartsWith("n:", StringComparison.Ordinal))
                count++;
        }
        return count;
    }

    private static void Increment(Dictionary<string, long> counts, string key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;

    private static void AddIdentifier(ProfileState state, string type, string? value)
    {
        if (!string.IsNullOrEmpty(value))
            AddIdentifier(state, $"{type}:{value}");
    }

    private static void AddIdentifier(ProfileState state, string identifier)
    {
        if (state.Identifiers.Count < ProfileState.MaxIdentifiers && !state.Identifiers.Contains(identifier))
            state.Identifiers.Add(identifier);
    }
}
