using Microsoft.Extensions.Logging;
using Streaming.ServiceDefaults.Timers;

namespace Streaming.Journeys.Engine;

/// <summary>
/// The journeys' waits (delays, wait-until timeouts, held sends): the shared durable timers, owned
/// partition by partition by the events.identified subscription, so a wait fires at the instance that
/// handles the person's events and moves with the partition.
/// </summary>
public sealed class JourneyTimers(PersonUpdater updater, JourneyEngine engine, ILogger<JourneyTimers> logger) : IDueTimerHandler
{
    public const string SetName = "journeys";

    public async Task FireAsync(DueTimer timer, CancellationToken cancellationToken)
    {
        if (!TimerIds.TryParse(timer.Id, out var tenant, out var personId, out var instanceId, out var due))
        {
            logger.LogError("Dropping journey timer with an unreadable id {TimerId}", timer.Id);
            return;
        }
        // The cause is the timer itself: fired twice, it finds the instance no longer waiting for it,
        // and answers the outputs of the first firing only if they were never acknowledged.
        var applied = await updater.ApplyAsync(tenant, personId, null, "timer/" + timer.Id, t => engine.OnTimer(t, instanceId, due));
        await updater.ProduceAsync([applied], cancellationToken);
    }
}
