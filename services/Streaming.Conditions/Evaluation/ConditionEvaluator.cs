using Streaming.Conditions.Model;

namespace Streaming.Conditions.Evaluation;

/// <summary>
/// Evaluates conditions against <see cref="IConditionFacts"/> with the semantics of
/// docs/conditions.md (two-valued logic, scores, metric operands, ago).
/// </summary>
public static class ConditionEvaluator
{
    public static bool Evaluate(Condition condition, IConditionFacts facts) => condition switch
    {
        AllCondition all => all.Conditions.All(c => Evaluate(c, facts)),
        AnyCondition any => any.Conditions.Any(c => Evaluate(c, facts)),
        NotCondition not => !Evaluate(not.Condition, facts),
        MetricCondition m => Comparisons.Holds(Value(m.Metric, facts), m.Operator, [.. m.Operands.Select(o => Operand(o, facts))]),
        TraitCondition t => Comparisons.Holds(facts.Trait(t.Trait), t.Operator, t.Values),
        TagMemberCondition member => facts.IsTagMember(member.Tag),
        _ => throw new ArgumentOutOfRangeException(nameof(condition), condition.GetType().Name, "Unknown condition node."),
    };

    /// <summary>The value of a metric (scores computed from their inner metric).</summary>
    public static Scalar? Value(Metric metric, IConditionFacts facts)
    {
        switch (metric)
        {
            case EventMetric e:
                return facts.Metric(e);
            case ScoreMetric score:
                if (Value(score.Of, facts) is not { IsNumber: true } inner)
                    return null;
                var reached = score.Thresholds.Count(t => inner.Number >= t);
                return Scalar.Of(score.Descending ? 5 - reached : 1 + reached);
            default:
                throw new ArgumentOutOfRangeException(nameof(metric), metric.GetType().Name, "Unknown metric.");
        }
    }

    /// <summary>Every metric and trait a condition reads, with its current value: "why a tag holds".</summary>
    public static IReadOnlyList<(string What, Scalar? Value)> Explain(Condition condition, IConditionFacts facts)
    {
        var found = new List<(string, Scalar?)>();
        void Walk(Condition c)
        {
            switch (c)
            {
                case AllCondition all: all.Conditions.ToList().ForEach(Walk); break;
                case AnyCondition any: any.Conditions.ToList().ForEach(Walk); break;
                case NotCondition not: Walk(not.Condition); break;
                case MetricCondition m:
                    found.Add((Parsing.ConditionWriter.Write(m.Metric), Value(m.Metric, facts)));
                    foreach (var operand in m.Operands.OfType<MetricOperand>())
                        found.Add((Parsing.ConditionWriter.Write(operand.Metric), Value(operand.Metric, facts)));
                    break;
                case TraitCondition t: found.Add(("trait " + t.Trait, facts.Trait(t.Trait))); break;
            }
        }
        Walk(condition);
        return found;
    }

    /// <summary>Every event metric a condition reads (inside scores and operands too).</summary>
    public static IEnumerable<EventMetric> EventMetrics(Condition condition) => condition switch
    {
        AllCondition all => all.Conditions.SelectMany(EventMetrics),
        AnyCondition any => any.Conditions.SelectMany(EventMetrics),
        NotCondition not => EventMetrics(not.Condition),
        MetricCondition m => EventMetrics(m.Metric).Concat(m.Operands.OfType<MetricOperand>().SelectMany(o => EventMetrics(o.Metric))),
        _ => [],
    };

    private static IEnumerable<EventMetric> EventMetrics(Metric metric) => metric switch
    {
        EventMetric e => [e],
        ScoreMetric s => EventMetrics(s.Of),
        _ => [],
    };

    /// <summary>value × times + plus; a result outside the decimal range is missing (as JSON numbers outside it are).</summary>
    private static Scalar? Scaled(decimal value, decimal times, decimal plus)
    {
        try
        {
            return Scalar.Of(value * times + plus);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static Scalar? Operand(Operand operand, IConditionFacts facts) => operand switch
    {
        LiteralOperand literal => literal.Value,
        AgoOperand ago => Scalar.Of(facts.Now - (long)ago.Duration.TotalMilliseconds),
        MetricOperand m => Value(m.Metric, facts) is { IsNumber: true } v ? Scaled(v.Number, m.Times, m.Plus) : null,
        _ => throw new ArgumentOutOfRangeException(nameof(operand), operand.GetType().Name, "Unknown operand."),
    };
}
