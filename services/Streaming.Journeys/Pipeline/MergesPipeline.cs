using Streaming.Contracts.Records;
using Streaming.Journeys.Engine;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Journeys.Pipeline;

/// <summary>identity.merges → the absorbed person's journeys fold onto the survivor (no send repeated).</summary>
public sealed class MergesPipeline(PersonUpdater updater, JourneyEngine engine) : PersonInputHandler<IdentityMerge>(updater)
{
    /// <summary>A merge changes two persons: merges stay in one lane, in their order.</summary>
    protected override string? Lane(InboundMessage<IdentityMerge> message) => null;

    protected override async Task<(HandlerOutcome, AppliedInput?)> ApplyAsync(InboundMessage<IdentityMerge> message)
    {
        var merge = message.Value;
        if (merge.Outcome != MergeOutcome.Merged)
            return (HandlerOutcome.Done, null);
        if (string.IsNullOrEmpty(merge.Tenant) || merge.SurvivorPersonId == 0 || merge.AbsorbedPersonId == 0 || merge.SurvivorPersonId == merge.AbsorbedPersonId)
            return (HandlerOutcome.Of(StepResult.DeadLetter("a merge needs a tenant and two different person ids")), null);
        var applied = await Updater.MergeAsync(merge.Tenant, merge.SurvivorPersonId, merge.AbsorbedPersonId, InputFence.Of(message, merge.MergeId), message.Position,
            (t, absorbed) => engine.OnMerge(t, absorbed, merge.AbsorbedPersonId));
        return (HandlerOutcome.Done, applied);
    }
}
