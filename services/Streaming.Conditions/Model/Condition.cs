namespace Streaming.Conditions.Model;

/// <summary>
/// A boolean statement about one person: the node of the condition language shared by tags,
/// journeys and audiences (live in Redis, over history in ClickHouse). Two-valued: a comparison
/// with a missing (null) side is false, and <see cref="NotCondition"/> negates that false.
/// </summary>
public abstract record Condition;

/// <summary>True when every child is true (an empty list is true).</summary>
public sealed record AllCondition(IReadOnlyList<Condition> Conditions) : Condition;

/// <summary>True when at least one child is true (an empty list is false).</summary>
public sealed record AnyCondition(IReadOnlyList<Condition> Conditions) : Condition;

/// <summary>True when the child is false.</summary>
public sealed record NotCondition(Condition Condition) : Condition;

/// <summary>A metric of the person's events compared with a value, another metric or a time ago.</summary>
public sealed record MetricCondition(Metric Metric, ComparisonOperator Operator, IReadOnlyList<Operand> Operands) : Condition;

/// <summary>A profile trait (current value) compared with literal values.</summary>
public sealed record TraitCondition(string Trait, ComparisonOperator Operator, IReadOnlyList<Scalar> Values) : Condition;

/// <summary>
/// The person is a current member of a tag (Profiles' tag changes, as ClickHouse keeps them in
/// <c>tags_current</c>). Audiences and person filters only: a tag definition cannot use it, because
/// live profiles evaluate every tag on its own.
/// </summary>
public sealed record TagMemberCondition(string Tag) : Condition;
