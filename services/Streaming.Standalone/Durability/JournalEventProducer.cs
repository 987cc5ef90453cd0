using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Streaming.Contracts.Avro;
using Streaming.Contracts.Topics;
using Streaming.Embedded.Kafka.Journal;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Telemetry;

namespace Streaming.Standalone.Durability;

/// <summary>
/// The standalone host's one producer: every message of every service goes through the Kafka
/// journal, so a completed produce (the gateway's 200 included) is fsynced before the embedded
/// Kafka has it, with the partition and offset consumers will see, also after a restart.
/// </summary>
internal sealed class JournalEventProducer(KafkaJournal journal, TopicSerdes serdes) : IEventProducer
{
    public Task ProduceAsync<T>(Topic<T> topic, string key, T value, CancellationToken cancellationToken = default) =>
        journal.AppendAsync([new JournalEntry(topic.Name, Encoding.UTF8.GetBytes(key), serdes.Serialize(topic, value), TraceHeaders([]))])
            .WaitAsync(cancellationToken);

    public Task ProduceAllAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default)
    {
        if (messages.Count == 0)
            return Task.CompletedTask;
        var entries = new JournalEntry[messages.Count];
        for (var i = 0; i < entries.Length; i++)
            entries[i] = new JournalEntry(messages[i].Topic.Name, Encoding.UTF8.GetBytes(messages[i].Key), messages[i].Encode(serdes), Listed(messages[i].Headers()));
        return journal.AppendAsync(entries).WaitAsync(cancellationToken);
    }

    public Task ProduceRawAsync(string topic, byte[]? key, byte[]? value, Headers headers, CancellationToken cancellationToken = default) =>
        journal.AppendAsync([new JournalEntry(topic, key, value, TraceHeaders(headers))]).WaitAsync(cancellationToken);

    private static List<KeyValuePair<string, byte[]?>> TraceHeaders(Headers headers)
    {
        TraceContextHeaders.Inject(Activity.Current, headers);
        return Listed(headers);
    }

    private static List<KeyValuePair<string, byte[]?>> Listed(Headers headers) =>
        [.. headers.Select(h => new KeyValuePair<string, byte[]?>(h.Key, h.GetValueBytes()))];
}
