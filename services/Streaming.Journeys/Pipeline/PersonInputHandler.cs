using Streaming.Journeys.Engine;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.Journeys.Pipeline;

/// <summary>
/// The one shape of every journeys consumer: each message of the batch is applied to its person in
/// order, then the outputs of the whole batch are produced at once and their pending entries dropped,
/// before the runtime commits the offsets. The runtime gets no outputs of its own to produce: the
/// pending entries can only be dropped once this handler knows the broker has the messages.
/// </summary>
public abstract class PersonInputHandler<T>(PersonUpdater updater) : IConsumerHandler<T>
{
    public async Task<IReadOnlyList<HandlerOutcome>> HandleAsync(IReadOnlyList<InboundMessage<T>> batch, CancellationToken cancellationToken)
    {
        var outcomes = new HandlerOutcome[batch.Count];
        var applied = new List<AppliedInput>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var (outcome, input) = await ApplyAsync(batch[i]);
            outcomes[i] = outcome;
            if (input is not null)
                applied.Add(input);
        }
        await updater.ProduceAsync(applied, cancellationToken);
        return outcomes;
    }

    /// <summary>Applies one message: its outcome, and what it produced (null when it was refused or changed nothing).</summary>
    protected abstract Task<(HandlerOutcome Outcome, AppliedInput? Applied)> ApplyAsync(InboundMessage<T> message);

    protected PersonUpdater Updater => updater;
}
