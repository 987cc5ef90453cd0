using Streaming.Embedded.Kafka.Journal;
using Streaming.ServiceDefaults.Kafka;

namespace Streaming.Standalone.Durability;

/// <summary>A topic's incarnation in the standalone host: the id the Kafka journal keeps with its segments.</summary>
internal sealed class JournalTopicIncarnations(KafkaJournal journal) : ITopicIncarnations
{
    public ValueTask<string> GetAsync(string topic, CancellationToken cancellationToken = default) => ValueTask.FromResult(journal.IncarnationOf(topic));
}
