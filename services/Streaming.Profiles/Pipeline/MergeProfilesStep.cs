using Streaming.Profiles.Metrics;
using Streaming.Profiles.Model;

namespace Streaming.Profiles.Pipeline;

/// <summary>
/// Folds the absorbed person's profile into the survivor's: series summed, first seen min, last
/// seen max, traits by time, counts added. Tags are re-evaluated afterwards by <see cref="EvaluateTagsStep"/>.
/// </summary>
public static class MergeProfilesStep
{
    private static readonly string RawCausePrefix = Streaming.Contracts.Topics.TopicCatalog.EventsRaw.Name + "/";

    public static void Merge(ProfileState survivor, ProfileState absorbed)
    {
        survivor.FirstSeen = Min(survivor.FirstSeen, absorbed.FirstSeen);
        survivor.LastSeen = Max(survivor.LastSeen, absorbed.LastSeen);
        survivor.Sessions += absorbed.Sessions;
        for (var h = 0; h < 24; h++)
            survivor.ActiveHours[h] += absorbed.ActiveHours[h];
        foreach (var (k, v) in absorbed.Channels)
            survivor.Channels[k] = survivor.Channels.GetValueOrDefault(k) + v;
        foreach (var (k, v) in absorbed.Sources)
            survivor.Sources[k] = survivor.Sources.GetValueOrDefault(k) + v;
        survivor.CartOpenSince = Min(survivor.CartOpenSince, absorbed.CartOpenSince);
        foreach (var identifier in absorbed.Identifiers.Where(i => !survivor.Identifiers.Contains(i)))
        {
            if (survivor.Identifiers.Count < ProfileState.MaxIdentifiers)
                survivor.Identifiers.Add(identifier);
        }
        // Redelivered events of the absorbed person now land here: keep their fences. Not the fences on
        // events.raw causes (CauseFences): the survivor's own events of that raw partition may still be
        // on their way below the absorbed person's cause, and must not be taken for copies.
        foreach (var (fence, offset) in absorbed.Fences)
        {
            if (!fence.StartsWith(RawCausePrefix, StringComparison.Ordinal))
                survivor.Fences[fence] = Math.Max(offset, survivor.Fences.GetValueOrDefault(fence, -1));
        }
        // And copies of the absorbed person's recent events, whatever offset they come back at.
        AppliedMessages.Merge(survivor, absorbed);
        foreach (var (name, trait) in absorbed.Traits)
        {
            if (!survivor.Traits.TryGetValue(name, out var current)
                || (trait.Once ? current.Once && trait.At < current.At : trait.At > current.At || current.Once))
            {
                survivor.Traits[name] = trait;
            }
        }
        foreach (var (id, slot) in absorbed.Slots)
        {
            if (survivor.Slots.TryGetValue(id, out var into))
                SlotUpdate.Merge(into, slot);
            else
                survivor.Slots[id] = slot;
        }
    }

    private static long? Min(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}
