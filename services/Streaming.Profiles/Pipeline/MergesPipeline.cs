using Streaming.Contracts.Records;
using Streaming.Profiles.Model;
using Streaming.Profiles.Storage;
using Streaming.Profiles.Tags;
using Streaming.Profiles.Timers;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Profiles.Pipeline;

/// <summary>
/// Consumes identity.merges: folds the absorbed person's profile into the survivor's, leaves a
/// redirect behind (late events of the absorbed id land on the survivor), re-evaluates the
/// survivor's tags and announces the absorbed person's tags as left. Both profiles and the fence
/// are written in one compare-and-set, so a merge applies exactly once. A refused or already applied
/// merge is a <see cref="StepResult.Drop"/>, a malformed one a dead letter (<see cref="HandlerOutcome.Of"/>).
/// </summary>
public sealed class MergesPipeline(ProfileStore store, TagCatalog catalog, TagTimers timers, TimeProvider time) : MessageHandler<IdentityMerge>
{
    protected override async ValueTask<HandlerOutcome> HandleAsync(InboundMessage<IdentityMerge> message, CancellationToken cancellationToken)
    {
        var merge = message.Value;
        if (merge.Outcome != MergeOutcome.Merged)
            return HandlerOutcome.Of(StepResult.Drop($"merge {merge.Outcome}: {merge.Reason}"));
        if (merge.SurvivorPersonId <= 0 || merge.AbsorbedPersonId <= 0 || merge.SurvivorPersonId == merge.AbsorbedPersonId)
            return HandlerOutcome.Of(StepResult.DeadLetter($"survivorPersonId and absorbedPersonId must be two different positive ids (got {merge.SurvivorPersonId} and {merge.AbsorbedPersonId})"));
        await catalog.Loaded.WaitAsync(cancellationToken);
        var tags = catalog.For(merge.Tenant);
        var fence = message.FenceKey;
        while (true)
        {
            var survivor = await store.LoadCurrentAsync(merge.Tenant, merge.SurvivorPersonId);
            if (survivor.State.Fences.TryGetValue(fence, out var applied) && message.Offset <= applied)
            {
                await timers.ScheduleAsync(merge.Tenant, survivor.PersonId, survivor.State.TimerDue);
                return HandlerOutcome.Continue([.. PendingChanges.Of(survivor.State, message.Position).Select(EmitChangesStep.ToMessage)]);
            }
            if (survivor.PersonId == merge.AbsorbedPersonId)
                return HandlerOutcome.Of(StepResult.Drop($"person {merge.AbsorbedPersonId} already redirects to the survivor"));
            var absorbed = await store.LoadAsync(merge.Tenant, merge.AbsorbedPersonId);
            if (absorbed.State.MergedInto is { } elsewhere)
                return HandlerOutcome.Of(StepResult.Drop($"person {merge.AbsorbedPersonId} was already merged into {elsewhere}"));

            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var left = absorbed.State.Tags.Keys.Select(id => new TagChange(id, Entered: false)).ToList();
            MergeProfilesStep.Merge(survivor.State, absorbed.State);
            var entered = EvaluateTagsStep.Evaluate(survivor.State, tags, now);
            var changes = EmitChangesStep.Changes(merge.Tenant, absorbed.PersonId, message.Position, merge.CauseMessageId, now, [], left);
            changes.AddRange(EmitChangesStep.Changes(merge.Tenant, survivor.PersonId, message.Position, merge.CauseMessageId, now, [], entered));
            survivor.State.Fences[fence] = message.Offset;
            OffsetFences.RetireOthers(survivor.State, message.Topic, message.Partition, fence);
            PendingChanges.Replace(survivor.State, message.Topic, message.Partition, new(StringComparer.Ordinal) { [message.Position] = changes });

            var redirect = absorbed with { State = new ProfileState { MergedInto = survivor.PersonId } };
            var index = absorbed.State.Identifiers.Select(i => (merge.Tenant, i, survivor.PersonId)).ToList();
            survivor.State.TimerDue = tags.IsTimeDependent ? TagSchedule.NextDue(survivor.State, tags, now) : null;
            if (await store.TrySaveAsync([(survivor, false), (redirect, false)], index))
            {
                await timers.ScheduleAsync(merge.Tenant, survivor.PersonId, survivor.State.TimerDue);
                return HandlerOutcome.Continue([.. changes.Select(EmitChangesStep.ToMessage)]);
            }
        }
    }
}
