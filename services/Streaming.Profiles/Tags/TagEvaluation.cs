using Streaming.Conditions.Model;
using Streaming.Profiles.Metrics;
using Streaming.Profiles.Model;

namespace Streaming.Profiles.Tags;

/// <summary>
/// One profile at one instant, as the compiled tags of a tenant read it: each metric of the
/// tenant's metric table is computed at most once (on first use) and shared by every tag and by
/// the timer schedule. Valid while the profile's events do not change (tags may).
/// </summary>
public sealed class TagEvaluation
{
    private readonly TenantTags _tags;
    private readonly Scalar?[] _values;
    private readonly bool[] _known;

    public TagEvaluation(ProfileState state, TenantTags tags, long now)
    {
        State = state;
        _tags = tags;
        Now = now;
        _values = new Scalar?[tags.Metrics.Count];
        _known = new bool[tags.Metrics.Count];
    }

    public ProfileState State { get; }

    public long Now { get; }

    public Scalar? Metric(int index)
    {
        if (_known[index])
            return _values[index];
        var value = _tags.Metrics[index].Read(State, Now);
        _values[index] = value;
        _known[index] = true;
        return value;
    }

    public Scalar? Trait(string name) => MetricReader.Trait(State, name);
}

/// <summary>A distinct metric of a tenant's tags and the series it reads (<see cref="MetricSource.Key"/> identifies it).</summary>
public sealed record TenantMetric(EventMetric Metric, MetricSource Source)
{
    public Scalar? Read(ProfileState state, long now) => MetricReader.Read(Metric, Source, state, now);
}
