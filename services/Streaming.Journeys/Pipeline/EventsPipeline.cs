using Streaming.Contracts.Records;
using Streaming.Journeys.Engine;
using Streaming.Journeys.Storage;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Journeys.Pipeline;

/// <summary>events.identified → triggers, goals, exits and waits of the person's journeys.</summary>
public sealed class EventsPipeline(PersonUpdater updater, JourneyEngine engine, PersonStateStore store) : PersonInputHandler<IdentifiedEvent>(updater)
{
    protected override async Task<(HandlerOutcome, AppliedInput?)> ApplyAsync(InboundMessage<IdentifiedEvent> message)
    {
        var identified = message.Value;
        var e = identified.Event;
        if (string.IsNullOrEmpty(e.Tenant) || identified.PersonId == 0)
            return (HandlerOutcome.Of(StepResult.DeadLetter("an identified event needs a tenant and a person id")), null);
        await store.IndexAsync(e.Tenant, identified.Identifiers, identified.PersonId);
        var applied = await Updater.ApplyAsync(e.Tenant, identified.PersonId, InputFence.Of(message, e.MessageId), message.Position, t => engine.OnEvent(t, e));
        return (HandlerOutcome.Done, applied);
    }
}
