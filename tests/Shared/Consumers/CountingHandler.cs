using Streaming.ServiceDefaults.Consumers;

namespace Streaming.Tests.Helpers;

/// <summary>
/// Wraps a real handler and counts what it completed, so a test can wait until a consumer has
/// seen everything. Without an inner handler every message is done (a runtime-only scenario).
/// </summary>
public sealed class CountingHandler<T>(IConsumerHandler<T>? inner = null) : IConsumerHandler<T>
{
    private long _seen;
    private long _dropped;
    private long _outputs;

    /// <summary>Messages the handler returned outcomes for.</summary>
    public long Seen => Interlocked.Read(ref _seen);

    /// <summary>Of those, dropped with a reason (a replayed offset, say).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Output messages the handler asked to produce.</summary>
    public long Outputs => Interlocked.Read(ref _outputs);

    public async Task<IReadOnlyList<HandlerOutcome>> HandleAsync(IReadOnlyList<InboundMessage<T>> batch, CancellationToken cancellationToken)
    {
        var outcomes = inner is null
            ? Enumerable.Repeat(HandlerOutcome.Done, batch.Count).ToArray()
            : await inner.HandleAsync(batch, cancellationToken);
        Interlocked.Add(ref _dropped, outcomes.Count(o => o.Kind == OutcomeKind.Drop));
        Interlocked.Add(ref _outputs, outcomes.Sum(o => o.Outputs.Count));
        Interlocked.Add(ref _seen, outcomes.Count);
        return outcomes;
    }
}
