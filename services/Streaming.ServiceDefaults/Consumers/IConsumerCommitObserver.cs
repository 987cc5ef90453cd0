using Confluent.Kafka;

namespace Streaming.ServiceDefaults.Consumers;

/// <summary>
/// Optional: told what every consumer runtime of the process subscribes to and which offsets the
/// broker accepted as committed. The standalone host records them with its Kafka journal, so
/// consumer positions survive a restart of its in-memory Kafka; production registers none.
/// </summary>
public interface IConsumerCommitObserver
{
    void Subscribed(string groupId, string topic);

    /// <summary>Offsets the broker confirmed (each the next offset the group will read); called on the consumer's thread.</summary>
    void Committed(string groupId, IReadOnlyList<TopicPartitionOffset> offsets);
}
