using Streaming.Journeys.Engine;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.Journeys.Pipeline;

/// <summary>
/// The one shape of every journeys consumer: each message of the batch is applied to its person,
/// one person's messages in order and different persons at once (their Redis round trips overlap on
/// the multiplexer instead of following one another), then the outputs of the whole batch are
/// produced at once and their pending entries dropped, before the runtime commits the offsets.
/// Every application is fenced per person, so a batch retried after a failure half-way changes
/// nothing twice. The runtime gets no outputs of its own to produce: the pending entries can only be
/// dropped once this handler knows the broker has the messages.
/// </summary>
public abstract class PersonInputHandler<T>(PersonUpdater updater) : IConsumerHandler<T>
{
    public async Task<IReadOnlyList<HandlerOutcome>> HandleAsync(IReadOnlyList<InboundMessage<T>> batch, CancellationToken cancellationToken)
    {
        await BeforeBatchAsync(batch);
        var outcomes = new HandlerOutcome[batch.Count];
        var applied = new AppliedInput?[batch.Count];
        var lanes = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            var lane = Lane(batch[i]) ?? "";
            if (!lanes.TryGetValue(lane, out var indexes))
                lanes[lane] = indexes = [];
            indexes.Add(i);
        }
        await Task.WhenAll(lanes.Values.Select(async indexes =>
        {
            foreach (var i in indexes)
                (outcomes[i], applied[i]) = await ApplyAsync(batch[i]);
        }));
        await updater.ProduceAsync([.. applied.OfType<AppliedInput>()], cancellationToken);
        return outcomes;
    }

    /// <summary>Work for the whole batch before its messages are applied (e.g. one write of every identifier seen).</summary>
    protected virtual Task BeforeBatchAsync(IReadOnlyList<InboundMessage<T>> batch) => Task.CompletedTask;

    /// <summary>
    /// The person a message changes (tenant and person id): messages of one lane are applied in
    /// order, lanes at once. Null puts the message in one shared lane, in order with every other null.
    /// </summary>
    protected abstract string? Lane(InboundMessage<T> message);

    /// <summary>Applies one message: its outcome, and what it produced (null when it was refused or changed nothing).</summary>
    protected abstract Task<(HandlerOutcome Outcome, AppliedInput? Applied)> ApplyAsync(InboundMessage<T> message);

    protected PersonUpdater Updater => updater;

    protected static string PersonLane(string tenant, long personId) => Contracts.PartitionKey.For(tenant ?? "", personId);
}
