using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.ServiceDefaults.Consumers;

public enum OutcomeKind { Continue, Drop, DeadLetter }

/// <summary>
/// What a handler decided for one message: continue (with the outputs to produce), drop with a
/// reason, or dead-letter with a reason. Throwing instead means "retry".
/// </summary>
public sealed record HandlerOutcome(OutcomeKind Kind, string? Reason, IReadOnlyList<OutboundMessage> Outputs)
{
    public static readonly HandlerOutcome Done = new(OutcomeKind.Continue, null, []);

    public static HandlerOutcome Continue(params IReadOnlyList<OutboundMessage> outputs) =>
        outputs.Count == 0 ? Done : new(OutcomeKind.Continue, null, outputs);

    public static HandlerOutcome Drop(string reason) => new(OutcomeKind.Drop, reason, []);

    public static HandlerOutcome DeadLetter(string reason) => new(OutcomeKind.DeadLetter, reason, []);

    /// <summary>
    /// The consumer runtime's reading of a pipeline step's result: the one place a
    /// <see cref="StepResult"/> becomes an outcome. <paramref name="outputs"/> are produced only when
    /// the result continues. A consumer has no sender to answer, so a refusal is kept as a dead letter.
    /// </summary>
    public static HandlerOutcome Of(StepResult result, params IReadOnlyList<OutboundMessage> outputs) => result.Verdict switch
    {
        StepVerdict.Continue => Continue(outputs),
        StepVerdict.Drop => Drop(result.Reason!),
        StepVerdict.DeadLetter => DeadLetter(result.Reason!),
        StepVerdict.Refuse => DeadLetter($"refused: {result.Reason}"),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result.Verdict, "unknown step verdict"),
    };
}
