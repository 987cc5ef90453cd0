using Microsoft.Extensions.Options;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Scoring.Scoring;
using Streaming.Scoring.Timers;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Kafka;

namespace Streaming.Scoring.Pipeline;

/// <summary>
/// profiles.changes → rescore the person whose profile changed (the profile is written before its
/// changes are produced, so it already holds the event), publish the score only when it or the band
/// moved, and move the person's daily rescore a day ahead. Scoring's own changes are skipped.
/// </summary>
public sealed class RescoreOnChangeHandler(Rescoring rescoring, RescoreTimers timers, TimeProvider clock, IOptions<ScoringOptions> options) : MessageHandler<ProfileChange>
{
    protected override async ValueTask<HandlerOutcome> HandleAsync(InboundMessage<ProfileChange> message, CancellationToken cancellationToken)
    {
        var change = message.Value;
        if (change.Kind == ProfileChangeKind.ScoreChanged && change.Trait is Rescoring.ScoreTrait or Rescoring.BandTrait)
            return HandlerOutcome.Drop("a churn score change (published by this service)");
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var (changes, why) = await rescoring.RescoreAsync(change.Tenant, change.PersonId, message.Position, now);
        switch (why)
        {
            case NotScored.NoModel:
                return HandlerOutcome.Drop("no churn model is published for the tenant");
            case NotScored.NoProfile:
                return HandlerOutcome.Drop("the person has no live profile");
            case NotScored.NoOrder:
                return HandlerOutcome.Drop("the person has never ordered (churn is scored for customers)");
        }
        await timers.ScheduleAsync(change.Tenant, change.PersonId, now + (long)TimeSpan.FromHours(options.Value.RescoreEveryHours).TotalMilliseconds);
        return HandlerOutcome.Continue([.. changes.Select(c => OutboundMessage.Create(TopicCatalog.ProfilesChanges, PartitionKey.For(change.Tenant, change.PersonId), c))]);
    }
}
