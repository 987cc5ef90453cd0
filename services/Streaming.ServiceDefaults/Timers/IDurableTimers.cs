namespace Streaming.ServiceDefaults.Timers;

/// <summary>
/// What a handler needs of a <see cref="TimerSet"/>: set and cancel timers. A timer is an id (unique
/// within the set) with one due time in epoch ms on the service clock; setting it again moves it.
/// The partition key is the key the owner's messages for the same entity are produced with.
/// </summary>
public interface IDurableTimers
{
    TimerSet TimerSet { get; }

    /// <summary>Sets the timer to fire at <paramref name="due"/> (replacing an earlier due time).</summary>
    Task ScheduleAsync(string partitionKey, string id, long due);

    /// <summary>Removes the timer if it is set.</summary>
    Task CancelAsync(string partitionKey, string id);

    /// <summary>Many sets and cancels at once: one round trip per partition touched.</summary>
    Task ApplyAsync(IReadOnlyCollection<TimerChange> changes);
}
