using Streaming.Contracts.Topics;

namespace Streaming.ServiceDefaults.Consumers;

/// <summary>How one service consumes one topic.</summary>
public sealed record Subscription<T>(Topic<T> Topic, string GroupId)
{
    /// <summary>Most messages handed to the handler at once (all from one partition).</summary>
    public int MaxBatchSize { get; init; } = 500;
    /// <summary>Messages buffered per partition before the partition is paused.</summary>
    public int QueueCapacity { get; init; } = 5_000;
    /// <summary>Attempts for a non-transient failure before the message is dead-lettered.</summary>
    public int MaxAttempts { get; init; } = 5;
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(50);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>How long a revoke or shutdown waits for the batch in flight before giving up on it.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public string Name => $"{GroupId}:{Topic.Name}";
}
