using Streaming.Contracts.Records;
using Streaming.Journeys.Engine;
using Streaming.Journeys.Storage;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Journeys.Pipeline;

/// <summary>events.identified → triggers, goals, exits and waits of the person's journeys.</summary>
public sealed class EventsPipeline(PersonUpdater updater, JourneyEngine engine, PersonStateStore store) : PersonInputHandler<IdentifiedEvent>(updater)
{
    /// <summary>Every identifier of the batch in one write (the instances API finds persons by them).</summary>
    protected override Task BeforeBatchAsync(IReadOnlyList<InboundMessage<IdentifiedEvent>> batch) =>
        store.IndexAsync([.. batch.Where(m => !string.IsNullOrEmpty(m.Value.Event.Tenant) && m.Value.PersonId != 0)
            .SelectMany(m => m.Value.Identifiers.Select(i => (m.Value.Event.Tenant, i, m.Value.PersonId)))]);

    protected override string? Lane(InboundMessage<IdentifiedEvent> message) => PersonLane(message.Value.Event.Tenant, message.Value.PersonId);

    protected override async Task<(HandlerOutcome, AppliedInput?)> ApplyAsync(InboundMessage<IdentifiedEvent> message)
    {
        var identified = message.Value;
        var e = identified.Event;
        if (string.IsNullOrEmpty(e.Tenant) || identified.PersonId == 0)
            return (HandlerOutcome.Of(StepResult.DeadLetter("an identified event needs a tenant and a person id")), null);
        var applied = await Updater.ApplyAsync(e.Tenant, identified.PersonId, InputFence.Of(message, e.MessageId), message.Position, t => engine.OnEvent(t, e));
        return (HandlerOutcome.Done, applied);
    }
}
