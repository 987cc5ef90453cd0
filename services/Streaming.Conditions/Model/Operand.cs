namespace Streaming.Conditions.Model;

/// <summary>The right-hand side of a metric comparison.</summary>
public abstract record Operand;

/// <summary>A literal value (times given as ISO-8601 text are stored as epoch ms).</summary>
public sealed record LiteralOperand(Scalar Value) : Operand;

/// <summary>The evaluation time minus a duration, in epoch ms: compares with time metrics.</summary>
public sealed record AgoOperand(TimeSpan Duration) : Operand;

/// <summary>Another metric of the same person: value × <see cref="Times"/> + <see cref="Plus"/> (null stays null).</summary>
public sealed record MetricOperand(Metric Metric, decimal Times = 1, decimal Plus = 0) : Operand;
