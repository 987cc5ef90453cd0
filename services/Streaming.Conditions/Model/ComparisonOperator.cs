namespace Streaming.Conditions.Model;

/// <summary>
/// Comparison operators. Numbers compare numerically, strings ordinally (case-sensitive), booleans
/// only with eq/ne; values of different kinds are never equal and never ordered.
/// </summary>
public enum ComparisonOperator
{
    /// <summary>Equal (same kind and value).</summary>
    Eq,
    /// <summary>Present and not equal.</summary>
    Ne,
    Gt,
    Gte,
    Lt,
    Lte,
    /// <summary>Between two values, both inclusive.</summary>
    Between,
    /// <summary>Equal to one of the values.</summary>
    In,
    /// <summary>Present and equal to none of the values.</summary>
    NotIn,
    /// <summary>A string containing the value (ordinal, case-sensitive).</summary>
    Contains,
    /// <summary>A string starting with the value (ordinal, case-sensitive).</summary>
    StartsWith,
    /// <summary>Present (not null, not missing).</summary>
    Exists,
    /// <summary>Missing or null.</summary>
    NotExists,
}

public static class ComparisonOperators
{
    private static readonly Dictionary<string, ComparisonOperator> ByName = new(StringComparer.Ordinal)
    {
        ["eq"] = ComparisonOperator.Eq,
        ["ne"] = ComparisonOperator.Ne,
        ["gt"] = ComparisonOperator.Gt,
        ["gte"] = ComparisonOperator.Gte,
        ["lt"] = ComparisonOperator.Lt,
        ["lte"] = ComparisonOperator.Lte,
        ["between"] = ComparisonOperator.Between,
        ["in"] = ComparisonOperator.In,
        ["notIn"] = ComparisonOperator.NotIn,
        ["contains"] = ComparisonOperator.Contains,
        ["startsWith"] = ComparisonOperator.StartsWith,
        ["exists"] = ComparisonOperator.Exists,
        ["notExists"] = ComparisonOperator.NotExists,
    };

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static bool TryParse(string name, out ComparisonOperator op) => ByName.TryGetValue(name, out op);

    public static string Name(this ComparisonOperator op) => op switch
    {
        ComparisonOperator.NotIn => "notIn",
        ComparisonOperator.StartsWith => "startsWith",
        ComparisonOperator.NotExists => "notExists",
        _ => op.ToString().ToLowerInvariant(),
    };

    /// <summary>How many operand values the operator takes: 0 (exists), 1, 2 (between) or -1 (a list: in, notIn).</summary>
    public static int Arity(this ComparisonOperator op) => op switch
    {
        ComparisonOperator.Exists or ComparisonOperator.NotExists => 0,
        ComparisonOperator.Between => 2,
        ComparisonOperator.In or ComparisonOperator.NotIn => -1,
        _ => 1,
    };
}
