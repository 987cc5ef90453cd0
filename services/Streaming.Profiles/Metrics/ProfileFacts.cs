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
    public long Now => now;

    public Scalar? Metric(EventMetric metric)
    {
        var source = tag.Sources[metric];
        if (cache is not null && cache.TryGetValue(source.Key, out var known))
            return known;
        var value = MetricReader.Read(metric, source, state, now);
        if (cache is not null)
            cache[source.Key] = value;
        return value;
    }

    public Scalar? Trait(string name) => MetricReader.Trait(state, name);
}
