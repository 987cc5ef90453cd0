namespace Streaming.Conditions.Model;

/// <summary>
/// Which events a metric looks at: any of <see cref="Names"/> (empty = any name), any of
/// <see cref="Types"/> (empty = any type), and every predicate of <see cref="Where"/>.
/// </summary>
public sealed record EventFilter(IReadOnlyList<string> Names, IReadOnlyList<string> Types, IReadOnlyList<PropertyPredicate> Where)
{
    public static readonly EventFilter AnyEvent = new([], [], []);

    public static EventFilter Named(params string[] names) => new(names, [], []);

    /// <summary>True when only names (or nothing) restrict the events: the live profile answers such metrics from its built-in per-name series.</summary>
    public bool IsNameOnly => Types.Count == 0 && Where.Count == 0;
}

/// <summary>A predicate on one value of the event.</summary>
public sealed record PropertyPredicate(FieldPath Path, ComparisonOperator Operator, IReadOnlyList<Scalar> Values);
