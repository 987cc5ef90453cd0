using Streaming.Contracts.Records;
using Streaming.Profiles.Tags;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.Profiles.Pipeline;

/// <summary>
/// profiles.changes (<c>score_changed</c> only) → the score becomes a trait of the live profile, so
/// tag rules read it as any trait (<c>{"trait": "churn_score", "op": "gte", "value": 75}</c>). It is
/// written by the trait rule of events (<see cref="ApplyEventStep.SetTrait"/>: the later score wins)
/// and the tags are re-evaluated by <see cref="ProfileReevaluation"/>, the path of timers and
/// definition changes: tag changes are produced before the profile is written, with ids from this
/// message's position, so a redelivery re-sends the same ids or, once written, changes nothing.
/// The score change itself is not announced again: the scoring service's message is the announcement.
/// </summary>
public sealed class ScoreTraitsHandler(ProfileReevaluation reevaluation, TagCatalog catalog) : MessageHandler<ProfileChange>
{
    protected override async ValueTask<HandlerOutcome> HandleAsync(InboundMessage<ProfileChange> message, CancellationToken cancellationToken)
    {
        var change = message.Value;
        // The other changes on the topic are this service's own.
        if (change.Kind != ProfileChangeKind.ScoreChanged)
            return HandlerOutcome.Done;
        if (string.IsNullOrEmpty(change.Trait) || change.NewValue is null || change.PersonId <= 0 || string.IsNullOrEmpty(change.Tenant))
            return HandlerOutcome.DeadLetter("a score_changed change needs tenant, a positive personId, trait and newValue (JSON); the scoring service sets them");
        await catalog.Loaded.WaitAsync(cancellationToken);
        await reevaluation.ReevaluateAsync(change.Tenant, change.PersonId, message.Position, cancellationToken,
            state => ApplyEventStep.SetTrait(state, change.Trait, change.NewValue, change.At) is not null);
        return HandlerOutcome.Done;
    }
}
