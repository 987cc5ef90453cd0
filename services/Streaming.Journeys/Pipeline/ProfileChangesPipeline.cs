using Streaming.Contracts.Records;
using Streaming.Journeys.Engine;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Journeys.Pipeline;

/// <summary>profiles.changes → the traits and tags journeys read, tag and trait-crossing triggers, condition waits.</summary>
public sealed class ProfileChangesPipeline(PersonUpdater updater, JourneyEngine engine) : PersonInputHandler<ProfileChange>(updater)
{
    protected override string? Lane(InboundMessage<ProfileChange> message) => PersonLane(message.Value.Tenant, message.Value.PersonId);

    protected override async Task<(HandlerOutcome, AppliedInput?)> ApplyAsync(InboundMessage<ProfileChange> message)
    {
        var change = message.Value;
        if (string.IsNullOrEmpty(change.Tenant) || change.PersonId == 0)
            return (HandlerOutcome.Of(StepResult.DeadLetter("a profile change needs a tenant and a person id")), null);
        var applied = await Updater.ApplyAsync(change.Tenant, change.PersonId, InputFence.Of(message, change.ChangeId), message.Position, t => engine.OnProfileChange(t, change));
        return (HandlerOutcome.Done, applied);
    }
}
