using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Streaming.Contracts.Records;
using Streaming.Profiles.Tags;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.Profiles.Timers;

/// <summary>
/// Fires the due re-evaluation timers of the events.identified partitions this instance owns
/// right now (as the consumer runtime reports them), every <see cref="Interval"/> of the service
/// clock. A partition that moves away stops being swept here and its timers fire at the new owner.
/// A person whose re-evaluation fails (an unreadable profile, say) is logged and retried after
/// <see cref="RetryDelay"/>; the sweep goes on with the others, so one person never holds back a partition.
/// </summary>
public sealed class TimerSweeper(IServiceProvider services, TagTimers timers, ProfileReevaluation reevaluation, TimeProvider time, ILogger<TimerSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private const int BatchSize = 500;
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var runtime = services.GetServices<IHostedService>().OfType<ConsumerRuntime<IdentifiedEvent>>()
            .FirstOrDefault(r => r.Subscription.GroupId == ProfilesExtensions.GroupId);
        if (runtime is null)
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, time, stoppingToken);
                foreach (var partition in runtime.AssignedPartitions)
                    await SweepAsync(partition, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Timers stay in Redis: the next sweep fires them.
                logger.LogWarning(ex, "Firing profile timers failed; retrying on the next sweep");
            }
        }
    }

    private async Task SweepAsync(int partition, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (tenant, personId, due) in await timers.DueAsync(partition, now, BatchSize))
        {
            try
            {
                await reevaluation.ReevaluateAsync(tenant, personId, $"timer/{due}", cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !TransientFailures.IsTransient(ex))
            {
                // Moved out of the due range: the sweep goes on, this person is tried again later.
                logger.LogError(ex, "Profile timer of {Tenant}/{PersonId} failed; retrying in {RetryDelay}", tenant, personId, RetryDelay);
                await timers.ScheduleAsync(tenant, personId, now + (long)RetryDelay.TotalMilliseconds);
                continue;
            }
            // Re-evaluation set the next due time when there is one; otherwise this timer is done.
            await timers.RemoveIfUnchangedAsync(partition, tenant, personId, due);
        }
    }
}
