namespace Streaming.ServiceDefaults.Consumers;

/// <summary>
/// Handles consecutive messages of ONE partition, in offset order, and returns one outcome per
/// message in the same order. Throwing means "retry the batch" (so applying a message twice must
/// change nothing: fence state changes). Outputs are produced by the runtime, and the offsets
/// advance only after the broker acknowledged them.
/// </summary>
public interface IConsumerHandler<T>
{
    Task<IReadOnlyList<HandlerOutcome>> HandleAsync(IReadOnlyList<InboundMessage<T>> batch, CancellationToken cancellationToken);
}

/// <summary>A handler that looks at one message at a time.</summary>
public abstract class MessageHandler<T> : IConsumerHandler<T>
{
    public async Task<IReadOnlyList<HandlerOutcome>> HandleAsync(IReadOnlyList<InboundMessage<T>> batch, CancellationToken cancellationToken)
    {
        var outcomes = new HandlerOutcome[batch.Count];
        for (var i = 0; i < batch.Count; i++)
            outcomes[i] = await HandleAsync(batch[i], cancellationToken);
        return outcomes;
    }

    protected abstract ValueTask<HandlerOutcome> HandleAsync(InboundMessage<T> message, CancellationToken cancellationToken);
}
