using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Streaming.Contracts;
using Streaming.Contracts.Topics;
using Streaming.Scoring.Scoring;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Timers;

namespace Streaming.Scoring.Timers;

/// <summary>
/// A due daily rescore: score the person at the service clock's now with the timer's due time as
/// the cause (a timer fired twice sends the same change ids), publish what moved, set the next one.
/// </summary>
public sealed class RescoreTimerHandler(Rescoring rescoring, RescoreTimers timers, IEventProducer producer, TimeProvider clock, IOptions<ScoringOptions> options, ILogger<RescoreTimerHandler> logger) : IDueTimerHandler
{
    public async Task FireAsync(DueTimer timer, CancellationToken cancellationToken)
    {
        if (!PersonTimerId.TryParse(timer.Id, out var tenant, out var personId))
        {
            logger.LogWarning("Removing scoring timer {TimerId}: not a tenant/personId id", timer.Id);
            return;
        }
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var (changes, why) = await rescoring.RescoreAsync(tenant, personId, $"timer/{timer.Due}", now);
        if (changes.Count > 0)
            await producer.ProduceAllAsync([.. changes.Select(c => OutboundMessage.Create(TopicCatalog.ProfilesChanges, PartitionKey.For(tenant, personId), c))], cancellationToken);
        // A person who can no longer be scored (no model, profile deleted) is not rescheduled: the next profile change schedules again.
        if (why == NotScored.None)
            await timers.ScheduleAsync(tenant, personId, now + (long)TimeSpan.FromHours(options.Value.RescoreEveryHours).TotalMilliseconds);
    }
}
