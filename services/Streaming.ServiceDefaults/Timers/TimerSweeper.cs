using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.ServiceDefaults.Timers;

/// <summary>
/// Fires the due timers of one <see cref="TimerSet"/> in the partitions this instance owns right
/// now (as <see cref="PartitionOwnership"/> reports them), every <see cref="TimerSet.SweepInterval"/>
/// of the service clock. A partition that moves away stops being swept here and its timers fire at
/// the new owner. A timer whose handler fails is logged and tried again <see cref="TimerSet.RetryDelay"/>
/// later; the sweep goes on with the others, so one timer never holds back a partition.
/// </summary>
public sealed class TimerSweeper(DurableTimers timers, PartitionOwnership ownership, IDueTimerHandler handler, TimeProvider time, ILogger<TimerSweeper> logger)
    : BackgroundService
{
    private TimerSet Set => timers.TimerSet;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A periodic timer, not a delay started after each sweep: a tick that comes while a sweep is
        // still running is kept, so time that moved on during a sweep is never missed (a test clock
        // advanced while timers fire; a long sweep in production).
        using var ticks = new PeriodicTimer(Set.SweepInterval, time);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ticks.WaitForNextTickAsync(stoppingToken);
                foreach (var partition in ownership.Owned)
                    await SweepAsync(partition, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Timers stay in Redis: the next sweep fires them.
                logger.LogWarning(ex, "Firing {TimerSet} timers failed; retrying on the next sweep", Set.Name);
            }
        }
    }

    private async Task SweepAsync(int partition, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var timer in await timers.DueAsync(partition, now, Set.SweepBatchSize))
        {
            try
            {
                await handler.FireAsync(timer, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !TransientFailures.IsTransient(ex))
            {
                // Moved out of the due range: the sweep goes on, this timer is tried again later.
                logger.LogError(ex, "{TimerSet} timer {TimerId} failed; retrying in {RetryDelay}", Set.Name, timer.Id, Set.RetryDelay);
                await timers.PostponeAsync(timer, now + (long)Set.RetryDelay.TotalMilliseconds);
                continue;
            }
            await timers.CompleteAsync(timer);
        }
    }
}
