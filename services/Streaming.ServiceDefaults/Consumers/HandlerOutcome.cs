using Streaming.ServiceDefaults.Kafka;

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
}
