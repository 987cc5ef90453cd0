using Streaming.Conditions.Model;

namespace Streaming.Conditions.Evaluation;

/// <summary>The operators of the language on scalars: two-valued, a missing side is false except for notExists.</summary>
public static class Comparisons
{
    public static bool Holds(Scalar? left, ComparisonOperator op, IReadOnlyList<Scalar?> values)
    {
        if (op == ComparisonOperator.Exists)
            return left is not null;
        if (op == ComparisonOperator.NotExists)
            return left is null;
        if (left is not { } l)
            return false;
        switch (op)
        {
            case ComparisonOperator.Eq:
                return values[0] is { } eq && l.ValueEquals(eq);
            case ComparisonOperator.Ne:
                return values[0] is { } ne && !l.ValueEquals(ne);
            case ComparisonOperator.Gt:
                return Order(l, values[0]) is > 0;
            case ComparisonOperator.Gte:
                return Order(l, values[0]) is >= 0;
            case ComparisonOperator.Lt:
                return Order(l, values[0]) is < 0;
            case ComparisonOperator.Lte:
                return Order(l, values[0]) is <= 0;
            case ComparisonOperator.Between:
                return Order(l, values[0]) is >= 0 && Order(l, values[1]) is <= 0;
            case ComparisonOperator.In:
                return values.Any(v => v is { } x && l.ValueEquals(x));
            case ComparisonOperator.NotIn:
                return values.All(v => v is not { } x || !l.ValueEquals(x));
            case ComparisonOperator.Contains:
                return l.Kind == ScalarKind.String && values[0] is { Kind: ScalarKind.String } c && l.Text!.Contains(c.Text!, StringComparison.Ordinal);
            case ComparisonOperator.StartsWith:
                return l.Kind == ScalarKind.String && values[0] is { Kind: ScalarKind.String } s && l.Text!.StartsWith(s.Text!, StringComparison.Ordinal);
            default:
                return false;
        }
    }

    private static int? Order(Scalar left, Scalar? right) => right is { } r ? left.CompareTo(r) : null;
}
