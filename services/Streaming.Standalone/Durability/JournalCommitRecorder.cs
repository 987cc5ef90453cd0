using System.Collections.Concurrent;
using Confluent.Kafka;
using Streaming.Embedded.Kafka.Journal;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.Standalone.Durability;

/// <summary>
/// Writes every commit the consumer runtimes make into the Kafka journal (restored at the next
/// start), and knows what each group reads, so a clean stop can wait until every group is done.
/// </summary>
internal sealed class JournalCommitRecorder(KafkaJournal journal) : IConsumerCommitObserver
{
    private readonly ConcurrentDictionary<(string Group, string Topic), bool> _subscriptions = new();

    public void Subscribed(string groupId, string topic) => _subscriptions[(groupId, topic)] = true;

    public void Committed(string groupId, IReadOnlyList<TopicPartitionOffset> offsets)
    {
        foreach (var offset in offsets)
            journal.RecordCommit(groupId, offset.Topic, offset.Partition.Value, offset.Offset.Value);
    }

    /// <summary>Messages on the topics that some group has not committed yet, per subscription with any.</summary>
    public IReadOnlyList<(string Group, string Topic, long Lag)> Behind() =>
        [.. _subscriptions.Keys.Select(s => (s.Group, s.Topic, Lag: journal.LagOf(s.Group, s.Topic))).Where(s => s.Lag > 0)];
}
