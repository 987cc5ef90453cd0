using Streaming.Conditions.Model;

namespace Streaming.Conditions.Evaluation;

/// <summary>The operators of the language on scalars: two-valued, a missing side is false except for notExists.</summary>
public static class Comparisons
{
    public static bool Holds(Scalar? left, ComparisonOperator op, IReadOnlyList<Scalar?> values) =>
        Evaluate(left, op, new OptionalValues(values));

    /// <summary>The same over literal values (a filter's predicate), read in place: no copy per event.</summary>
    public static bool Holds(Scalar? left, ComparisonOperator op, IReadOnlyList<Scalar> values) =>
        Evaluate(left, op, new LiteralValues(values));

    private static bool Evaluate<TValues>(Scalar? left, ComparisonOperator op, TValues values)
        where TValues : struct, IValues
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
                return AnyEquals(l, values);
            case ComparisonOperator.NotIn:
                return !AnyEquals(l, values);
            case ComparisonOperator.Contains:
                return l.Kind == ScalarKind.String && values[0] is { Kind: ScalarKind.String } c && l.Text!.Contains(c.Text!, StringComparison.Ordinal);
            case ComparisonOperator.StartsWith:
                return l.Kind == ScalarKind.String && values[0] is { Kind: ScalarKind.String } s && l.Text!.StartsWith(s.Text!, StringComparison.Ordinal);
            default:
                return false;
        }
    }

    private static bool AnyEquals<TValues>(Scalar left, TValues values)
        where TValues : struct, IValues
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is { } value && left.ValueEquals(value))
                return true;
        }
        return false;
    }

    private static int? Order(Scalar left, Scalar? right) => right is { } r ? left.CompareTo(r) : null;

    /// <summary>The right-hand values, whichever list holds them (a struct, so reading them allocates nothing).</summary>
    private interface IValues
    {
        int Count { get; }
        Scalar? this[int index] { get; }
    }

    private readonly struct OptionalValues(IReadOnlyList<Scalar?> values) : IValues
    {
        public int Count => values.Count;
        public Scalar? this[int index] => values[index];
    }

    private readonly struct LiteralValues(IReadOnlyList<Scalar> values) : IValues
    {
        public int Count => values.Count;
        public Scalar? this[int index] => values[index];
    }
}
