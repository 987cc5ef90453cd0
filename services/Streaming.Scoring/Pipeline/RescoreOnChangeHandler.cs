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
/// profiles.changes → rescore the persons whose profiles changed (the profile is written before its
/// changes are produced, so it already holds the event), publish a score only when it or the band
/// moved, and move each person's daily rescore a day ahead. Scoring's own changes are skipped. A batch
/// is rescored per tenant with a few Redis round trips (<see cref="Rescoring.RescoreManyAsync"/>),
/// each message keeping its own cause, so a redelivered batch re-sends the same change ids.
/// </summary>
public sealed class RescoreOnChangeHandler(Rescoring rescoring, RescoreTimers timers, TimeProvider clock, IOptions<ScoringOptions> options) : IConsumerHandler<ProfileChange>
{
    public async Task<IReadOnlyList<HandlerOutcome>> HandleAsync(IReadOnlyList<InboundMessage<ProfileChange>> batch, CancellationToken cancellationToken)
    {
        var outcomes = new HandlerOutcome[batch.Count];
        var tenants = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            var change = batch[i].Value;
            if (change.Kind == ProfileChangeKind.ScoreChanged && change.Trait is Rescoring.ScoreTrait or Rescoring.BandTrait)
            {
                outcomes[i] = HandlerOutcome.Drop("a churn score change (published by this service)");
                continue;
            }
            if (!tenants.TryGetValue(change.Tenant, out var indexes))
                tenants[change.Tenant] = indexes = [];
            indexes.Add(i);
        }
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var scored = new List<(string Tenant, long PersonId)>();
        foreach (var (tenant, indexes) in tenants)
        {
            var results = await rescoring.RescoreManyAsync(tenant, [.. indexes.Select(i => new RescoreRequest(batch[i].Value.PersonId, batch[i].Position))], now);
            for (var k = 0; k < indexes.Count; k++)
            {
                var change = batch[indexes[k]].Value;
                var (changes, why) = results[k];
                outcomes[indexes[k]] = why switch
                {
                    NotScored.NoModel => HandlerOutcome.Drop("no churn model is published for the tenant"),
                    NotScored.NoProfile => HandlerOutcome.Drop("the person has no live profile"),
                    NotScored.NoOrder => HandlerOutcome.Drop("the person has never ordered (churn is scored for customers)"),
                    _ => HandlerOutcome.Continue([.. changes.Select(c => OutboundMessage.Create(TopicCatalog.ProfilesChanges, PartitionKey.For(tenant, change.PersonId), c))]),
                };
                if (why == NotScored.None)
                    scored.Add((tenant, change.PersonId));
            }
        }
        await timers.ScheduleManyAsync(scored, now + (long)TimeSpan.FromHours(options.Value.RescoreEveryHours).TotalMilliseconds);
        return outcomes;
    }
}
