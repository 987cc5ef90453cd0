using Microsoft.Extensions.Logging;
using Streaming.Profiles.Tags;
using Streaming.ServiceDefaults.Timers;

namespace Streaming.Profiles.Timers;

/// <summary>
/// What a due tag timer does: re-evaluate the person's tags at the service clock's now, with the
/// timer's due time as the cause (so a timer fired twice produces the same change ids). The
/// re-evaluation sets the next timer when there is one.
/// </summary>
public sealed class TagTimerHandler(ProfileReevaluation reevaluation, ILogger<TagTimerHandler> logger) : IDueTimerHandler
{
    public async Task FireAsync(DueTimer timer, CancellationToken cancellationToken)
    {
        if (!TagTimers.TryParse(timer.Id, out var tenant, out var personId))
        {
            // Not written by TagTimers: nothing to re-evaluate; the sweeper removes it.
            logger.LogWarning("Removing tag timer {TimerId}: not a tenant/personId id", timer.Id);
            return;
        }
        await reevaluation.ReevaluateAsync(tenant, personId, $"timer/{timer.Due}", cancellationToken);
    }
}
