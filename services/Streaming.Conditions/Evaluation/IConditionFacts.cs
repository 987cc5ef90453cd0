using Streaming.Conditions.Model;

namespace Streaming.Conditions.Evaluation;

/// <summary>
/// What a condition is evaluated against: one person's metrics and traits at one instant. Live
/// profiles answer from Redis; other engines (journeys, tests) bring their own source.
/// </summary>
public interface IConditionFacts
{
    /// <summary>The evaluation time, epoch ms UTC ("now" of windows, daysSince and ago).</summary>
    long Now { get; }

    /// <summary>The value of an event metric (null when it has none, e.g. avg over no events).</summary>
    Scalar? Metric(EventMetric metric);

    /// <summary>The current value of a profile trait (null when missing, JSON null, an object or an array).</summary>
    Scalar? Trait(string name);

    /// <summary>
    /// Whether the person is a current member of a tag. Live profiles do not answer it (the parser
    /// refuses tag members in tag definitions); sources over stored history do.
    /// </summary>
    bool IsTagMember(string tag) => throw new NotSupportedException("Tag membership is answered over stored history (ClickHouse), not live.");
}
