using System.Globalization;
using Streaming.Contracts.Topics;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.ServiceDefaults.Timers;

/// <summary>
/// A named family of durable timers, spread over the partitions of the topic one subscription
/// consumes: a timer lives in the partition its partition key is produced to, so it fires at the
/// instance that owns that partition (the one handling the same key's messages) and moves with it
/// on a rebalance or restart. One Redis sorted set per partition, <c>timers:&lt;name&gt;:&lt;partition&gt;</c>.
/// </summary>
public sealed record TimerSet
{
    private TimerSet(string name, int partitions, string owner)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Contains(':', StringComparison.Ordinal))
            throw new ArgumentException($"A timer set needs a name without ':' (got '{name}').", nameof(name));
        Name = name;
        Partitions = partitions;
        Owner = owner;
    }

    /// <summary>Timers named <paramref name="name"/>, owned partition by partition by <paramref name="owner"/>'s consumers.</summary>
    public static TimerSet For<T>(string name, Subscription<T> owner) => new(name, owner.Topic.Partitions, owner.Name);

    /// <summary>Part of every Redis key of the set; keep it stable, it names stored timers.</summary>
    public string Name { get; }

    /// <summary>Partitions of the owner's topic.</summary>
    public int Partitions { get; }

    /// <summary><see cref="Subscription{T}.Name"/> of the subscription whose assignment decides which partitions this instance sweeps.</summary>
    public string Owner { get; }

    /// <summary>How often (on the service clock) the owned partitions are searched for due timers.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Most due timers of one partition fired per sweep.</summary>
    public int SweepBatchSize { get; init; } = 500;

    /// <summary>When a timer whose handler failed (not for a dependency outage) is tried again.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The partition a timer with this partition key lives in: the one Kafka sends the key's messages to.</summary>
    public int PartitionOf(string partitionKey) => KafkaPartitioner.PartitionOf(partitionKey, Partitions);

    /// <summary>The Redis sorted set of one partition's timers (member = timer id, score = due time in epoch ms).</summary>
    public string Key(int partition) => $"timers:{Name}:{partition.ToString(CultureInfo.InvariantCulture)}";
}
