using Streaming.Contracts.Records;
using Streaming.Journeys.Engine;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Journeys.Pipeline;

/// <summary>profiles.changes → the traits and tags journeys read, tag and trait-crossing triggers, condition waits.</summary>
public sealed class ProfileChangesPipeline(PersonUpdater updater, JourneyEngine engine) : MessageHandler<ProfileChange>
{
    protected override async ValueTask<HandlerOutcome> HandleAsync(InboundMessage<ProfileChange> message, CancellationToken cancellationToken)
    {
        var change = message.Value;
        if (string.IsNullOrEmpty(change.Tenant) || change.PersonId == 0)
            return HandlerOutcome.Of(StepResult.DeadLetter("a profile change needs a tenant and a person id"));
        var outputs = await updater.ApplyAsync(change.Tenant, change.PersonId, InputFence.Of(message, change.ChangeId), message.Position, t => engine.OnProfileChange(t, change));
        return HandlerOutcome.Continue(outputs);
    }
}
