using System.Text.Json;
using Streaming.Conditions.Evaluation;
using Streaming.Conditions.Model;
using Streaming.Profiles.Model;
using Streaming.Profiles.Tags;

namespace Streaming.Profiles.Metrics;

/// <summary>A live profile seen through the condition language, for one tag's metrics at one instant.</summary>
public sealed class ProfileFacts(ProfileState state, CompiledTag tag, long now) : IConditionFacts
{
    private static readonly SlotData NoEvents = new();

    public long Now => now;

    public Scalar? Metric(EventMetric metric)
    {
        var source = tag.Sources[metric];
        var slots = source.SlotIds.Select(id => state.Slots.GetValueOrDefault(id) ?? NoEvents).ToList();
        return MetricReader.Read(metric, slots, source.Zone, now);
    }

    public Scalar? Trait(string name)
    {
        if (!state.Traits.TryGetValue(name, out var trait))
            return null;
        using var document = JsonDocument.Parse(trait.Json);
        return Scalar.FromJson(document.RootElement);
    }
}
