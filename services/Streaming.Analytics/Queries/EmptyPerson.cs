using Streaming.Conditions.Evaluation;
using Streaming.Conditions.Model;

namespace Streaming.Analytics.Queries;

/// <summary>
/// A person with no stored event, no trait and no tag, as of an instant: counts, sums and distinct
/// counts are 0, every other metric and every trait is missing. A condition that holds for such a
/// person selects persons that only the whole list of the tenant's persons knows (see <see cref="TagConditionSql"/>).
/// </summary>
internal sealed class EmptyPerson(DateTimeOffset asOf) : IConditionFacts
{
    public long Now => asOf.ToUnixTimeMilliseconds();

    public Scalar? Metric(EventMetric metric) =>
        metric.Function is MetricFunction.Count or MetricFunction.Sum or MetricFunction.Distinct ? Scalar.Of(0L) : null;

    public Scalar? Trait(string name) => null;

    public bool IsTagMember(string tag) => false;

    /// <summary>True when the condition holds for a person with nothing stored.</summary>
    public static bool Satisfies(Condition condition, DateTimeOffset asOf) => ConditionEvaluator.Evaluate(condition, new EmptyPerson(asOf));
}
