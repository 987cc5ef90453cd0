using System.Text;
using Confluent.Kafka;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.Kafka.Journal;

namespace Streaming.Embedded.Tests.Kafka.Journal;

/// <summary>A journal folder that outlives its mock clusters, as the standalone host's data folder does across restarts.</summary>
internal sealed class JournalTestFolder : IDisposable
{
    public const string Events = "events";
    public const string Config = "config";
    public const int EventPartitions = 6;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "journal-test-" + Guid.NewGuid().ToString("N"));

    public KafkaJournalOptions Options(long segmentBytes = 256L * 1024 * 1024) => new()
    {
        Directory = Directory,
        Topics = [new EmbeddedTopic(Events, EventPartitions), new EmbeddedTopic(Config, 1)],
        SegmentBytes = segmentBytes,
    };

    /// <summary>A fresh mock cluster (as after a process restart) with the journal replayed into it.</summary>
    public async Task<(EmbeddedKafka Kafka, KafkaJournal Journal)> OpenAsync(long segmentBytes = 256L * 1024 * 1024)
    {
        var kafka = EmbeddedKafka.Start();
        try
        {
            return (kafka, await KafkaJournal.OpenAsync(Options(segmentBytes), kafka));
        }
        catch
        {
            kafka.Dispose();
            throw;
        }
    }

    public static JournalEntry Entry(string key, string value, string topic = Events) =>
        new(topic, Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value), [new("trace", Encoding.UTF8.GetBytes("t-" + value))]);

    /// <summary>Everything the mock holds for <paramref name="topic"/>, in partition then offset order.</summary>
    public static List<StoredMessage> ReadAll(EmbeddedKafka kafka, string topic, int partitions, int expected)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = "journal-test-reader",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var read = new List<StoredMessage>();
        var atEnd = new HashSet<int>();
        var deadline = DateTime.UtcNow + Eventually.Limit;
        while ((read.Count < expected || atEnd.Count < partitions) && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is null)
                continue;
            if (result.IsPartitionEOF)
            {
                atEnd.Add(result.Partition.Value);
                continue;
            }
            atEnd.Remove(result.Partition.Value);
            read.Add(new StoredMessage(result.Partition.Value, result.Offset.Value, Encoding.UTF8.GetString(result.Message.Key),
                Encoding.UTF8.GetString(result.Message.Value), Encoding.UTF8.GetString(result.Message.Headers.GetLastBytes("trace")),
                result.Message.Timestamp.UnixTimestampMs));
        }
        return [.. read.OrderBy(m => m.Partition).ThenBy(m => m.Offset)];
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal sealed record StoredMessage(int Partition, long Offset, string Key, string Value, string Trace, long TimestampMs);
