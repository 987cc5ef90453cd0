namespace Streaming.ServiceDefaults.Consumers;

/// <summary>
/// The partitions of one subscription this instance owns right now. The consumer runtime of that
/// subscription updates it on every assignment, revoke and loss; state kept per partition (durable
/// timers) asks it which partitions are its own, instead of looking the runtime up.
/// </summary>
public sealed class PartitionOwnership
{
    private volatile IReadOnlyList<int> _owned = [];

    /// <summary>The owned partitions, in ascending order.</summary>
    public IReadOnlyList<int> Owned => _owned;

    /// <summary>Replaces the owned partitions (called by the consumer runtime as the group assigns them).</summary>
    public void Set(IEnumerable<int> partitions) => _owned = [.. partitions.Distinct().Order()];
}
