namespace Streaming.ServiceDefaults.Timers;

/// <summary>
/// What a due timer of one <see cref="TimerSet"/> does. Called by the sweeper of the instance that
/// owns the timer's partition, one timer at a time per partition. Returning means done: the timer is
/// removed unless the handler set it again. A thrown exception means retry: a dependency outage (see
/// <see cref="Consumers.TransientFailures"/>) retries the sweep, anything else moves this timer
/// <see cref="TimerSet.RetryDelay"/> later while the partition's other timers go on. A timer may fire
/// more than once (a crash before its removal, a partition moving mid-sweep), so handlers are idempotent.
/// </summary>
public interface IDueTimerHandler
{
    Task FireAsync(DueTimer timer, CancellationToken cancellationToken);
}
