using System.Runtime.CompilerServices;
using Streaming.Conditions.Evaluation;
using Streaming.Conditions.Model;

namespace Streaming.Profiles.Tags;

/// <summary>
/// A condition turned once into closures over a <see cref="TagEvaluation"/>: the tree is walked when
/// a definition is loaded, not for every event, and every event metric is read through its index in
/// the tenant's metric table, so tags that read the same metric compute it once per evaluation.
/// Same semantics as <see cref="ConditionEvaluator"/> (docs/conditions.md); a test keeps them equal.
/// </summary>
public static class CompiledCondition
{
    public static Func<TagEvaluation, bool> Compile(Condition condition, Func<EventMetric, int> metricIndex) => condition switch
    {
        AllCondition all => All([.. all.Conditions.Select(c => Compile(c, metricIndex))]),
        AnyCondition any => Any([.. any.Conditions.Select(c => Compile(c, metricIndex))]),
        NotCondition not => Not(Compile(not.Condition, metricIndex)),
        MetricCondition m => Comparison(Value(m.Metric, metricIndex), m.Operator, [.. m.Operands.Select(o => Operand(o, metricIndex))]),
        TraitCondition t => Trait(t.Trait, t.Operator, [.. t.Values.Select(v => (Scalar?)v)]),
        _ => throw new ArgumentOutOfRangeException(nameof(condition), condition.GetType().Name, "Unknown condition node."),
    };

    /// <summary>The value of a metric (scores computed from their inner metric).</summary>
    public static Func<TagEvaluation, Scalar?> Value(Metric metric, Func<EventMetric, int> metricIndex)
    {
        switch (metric)
        {
            case EventMetric e:
                var index = metricIndex(e);
                return evaluation => evaluation.Metric(index);
            case ScoreMetric score:
                var inner = Value(score.Of, metricIndex);
                var thresholds = score.Thresholds.ToArray();
                var descending = score.Descending;
                return evaluation =>
                {
                    if (inner(evaluation) is not { IsNumber: true } value)
                        return null;
                    var reached = 0;
                    foreach (var t in thresholds)
                    {
                        if (value.Number >= t)
                            reached++;
                    }
                    return Scalar.Of(descending ? 5 - reached : 1 + reached);
                };
            default:
                throw new ArgumentOutOfRangeException(nameof(metric), metric.GetType().Name, "Unknown metric.");
        }
    }

    private static Func<TagEvaluation, bool> All(Func<TagEvaluation, bool>[] parts) => evaluation =>
    {
        foreach (var part in parts)
        {
            if (!part(evaluation))
                return false;
        }
        return true;
    };

    private static Func<TagEvaluation, bool> Any(Func<TagEvaluation, bool>[] parts) => evaluation =>
    {
        foreach (var part in parts)
        {
            if (part(evaluation))
                return true;
        }
        return false;
    };

    private static Func<TagEvaluation, bool> Not(Func<TagEvaluation, bool> inner) => evaluation => !inner(evaluation);

    private static Func<TagEvaluation, bool> Trait(string trait, ComparisonOperator op, Scalar?[] values) =>
        evaluation => Comparisons.Holds(evaluation.Trait(trait), op, values);

    private static Func<TagEvaluation, bool> Comparison(Func<TagEvaluation, Scalar?> left, ComparisonOperator op, OperandValue[] operands)
    {
        if (operands.All(o => o.Literal is not null))
        {
            // Literals only (the common case): the right-hand side is built once.
            Scalar?[] literals = [.. operands.Select(o => o.Literal!.Value)];
            return evaluation => Comparisons.Holds(left(evaluation), op, literals);
        }
        return evaluation =>
        {
            var values = new Scalar?[operands.Length];
            for (var i = 0; i < values.Length; i++)
                values[i] = operands[i].Literal is { } literal ? literal.Value : operands[i].Compute!(evaluation);
            return Comparisons.Holds(left(evaluation), op, values);
        };
    }

    /// <summary>A literal (boxed to tell "a literal null" from "computed") or a function of the evaluation.</summary>
    private readonly record struct OperandValue(StrongBox<Scalar?>? Literal, Func<TagEvaluation, Scalar?>? Compute);

    private static OperandValue Operand(Operand operand, Func<EventMetric, int> metricIndex)
    {
        switch (operand)
        {
            case LiteralOperand literal:
                return new(new StrongBox<Scalar?>(literal.Value), null);
            case AgoOperand ago:
                var duration = (long)ago.Duration.TotalMilliseconds;
                return new(null, evaluation => Scalar.Of(evaluation.Now - duration));
            case MetricOperand m:
                var value = Value(m.Metric, metricIndex);
                var (times, plus) = (m.Times, m.Plus);
                return new(null, evaluation => value(evaluation) is { IsNumber: true } v ? Scaled(v.Number, times, plus) : null);
            default:
                throw new ArgumentOutOfRangeException(nameof(operand), operand.GetType().Name, "Unknown operand.");
        }
    }

    /// <summary>value × times + plus; a result outside the decimal range is missing (as in <see cref="ConditionEvaluator"/>).</summary>
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
}
