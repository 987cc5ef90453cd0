using System.Text.Json;
using Streaming.Conditions.Evaluation;
using Streaming.Conditions.Model;
using Streaming.Profiles.Model;
using Streaming.Profiles.Tags;

namespace Streaming.Profiles.Metrics;

/// <summary>
/// A live profile seen through the condition language, for one tag's metrics at one instant.
/// Pass one <paramref name="cache"/> to every tag of an evaluation: equal metrics are computed once.
/// </summary>
public sealed class ProfileFacts(ProfileState state, CompiledTag tag, long now, Dictionary<string, Scalar?>? cache = null) : IConditionFacts
{
    private static readonly SlotData NoEvents = new();

    public long Now => now;

    public Scalar? Metric(EventMetric metric)
    {
        var source = tag.Sources[metric];
        if (cache is not null && cache.TryGetValue(source.Key, out var known))
            return known;
        var slots = new SlotData[source.SlotIds.Count];
        for (var i = 0; i < slots.Length; i++)
            slots[i] = state.Slots.GetValueOrDefault(source.SlotIds[i]) ?? NoEvents;
        var value = MetricReader.Read(metric, slots, source.Zone, now);
        if (cache is not null)
            cache[source.Key] = value;
        return value;
    }

    public Scalar? Trait(string name)
    {
        if (!state.Traits.TryGetValue(name, out var trait))
            return null;
        using var document = JsonDocument.Parse(trait.Json);
        return Scalar.FromJson(document.RootElement);
    }
}
