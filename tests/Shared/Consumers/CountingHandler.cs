using Streaming.ServiceDefaults.Consumers;

namespace Streaming.Tests.Shared;

/// <summary>
/// Wraps a real handler and counts what it completed, so a test can wait until a consumer has
/// seen everything. Without an inner handler every message is done (a runtime-only scenario).
/// </summary>
public sealed class CountingHandler<T>(IConsumerHandler<T>? inner = null) : IConsumerHandler<T>
{
    private long seen;
    private long dropped;
    private long outputs;

    /// <summary>Messages the handler returned outcomes for.</summary>
    public long Seen => Interlocked.Read(ref seen);

    /// <summary>Of those, dropped with a reason (a replayed offset, say).</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Output messages the handler asked to produce.</summary>
    public long Outputs => Interlocked.Read(ref outputs);

    public async Task<IReadOnlyList<HandlerOutcome>> HandleAsync(IReadOnlyList<InboundMessage<T>> batch, CancellationToken cancellationToken)
    {
        IReadOnlyList<HandlerOutcome> outcomes = inner is null
            ? Enumerable.Repeat(HandlerOutcome.Done, batch.Count).ToArray()
            : await inner.HandleAsync(batch, cancellationToken);
        Interlocked.Add(ref dropped, outcomes.Count(o => o.Kind == OutcomeKind.Drop));
        Interlocked.Add(ref outputs, outcomes.Sum(o => o.Outputs.Count));
        Interlocked.Add(ref seen, outcomes.Count);
        return outcomes;
    }
}
