using System.Text;
using Confluent.Kafka;
using Streaming.Contracts.Topics;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.Kafka.Journal;

namespace Streaming.Embedded.Tests.Kafka.Journal;

public sealed class KafkaJournal_ReplayTests : IDisposable
{
    private readonly JournalTestFolder _folder = new();

    [Fact]
    public async Task Journal_replays_every_message_at_its_partition_and_offset_after_a_restart()
    {
        List<StoredMessage> before;
        var (kafka, journal) = await _folder.OpenAsync(segmentBytes: 4096);
        using (kafka)
        await using (journal)
        {
            for (var batch = 0; batch < 20; batch++)
                await journal.AppendAsync([.. Enumerable.Range(0, 25).Select(i => JournalTestFolder.Entry($"person-{i % 40}", $"{batch}-{i}"))]);
            before = JournalTestFolder.ReadAll(kafka, JournalTestFolder.Events, JournalTestFolder.EventPartitions, 500);
        }
        Assert.Equal(500, before.Count);
        Assert.True(Directory.EnumerateFiles(_folder.Directory, "*.segment").Count() > 1, "small segments roll over");

        (kafka, journal) = await _folder.OpenAsync(segmentBytes: 4096);
        using (kafka)
        await using (journal)
        {
            Assert.Equal(500, journal.Replayed.Messages);
            var after = JournalTestFolder.ReadAll(kafka, JournalTestFolder.Events, JournalTestFolder.EventPartitions, 500);
            Assert.Equal(before, after);

            // New messages continue each partition's offsets.
            await journal.AppendAsync([JournalTestFolder.Entry("person-1", "after-restart")]);
            var all = JournalTestFolder.ReadAll(kafka, JournalTestFolder.Events, JournalTestFolder.EventPartitions, 501);
            var added = Assert.Single(all, m => m.Value == "after-restart");
            Assert.Equal(before.Count(m => m.Partition == added.Partition), added.Offset);
        }
    }

    [Fact]
    public async Task Journal_puts_a_key_on_the_partition_Kafka_clients_choose()
    {
        var (kafka, journal) = await _folder.OpenAsync();
        using (kafka)
        await using (journal)
        {
            kafka.CreateTopic("plain", JournalTestFolder.EventPartitions);
            using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
            {
                BootstrapServers = kafka.BootstrapServers,
                Partitioner = Partitioner.Murmur2Random,
            }).Build();
            var keys = Enumerable.Range(0, 200).Select(i => $"default:user-{i}").ToList();
            foreach (var key in keys)
            {
                var delivered = await producer.ProduceAsync("plain", new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(key), Value = [] });
                Assert.Equal(delivered.Partition.Value, KafkaPartitioner.PartitionOf(Encoding.UTF8.GetBytes(key), JournalTestFolder.EventPartitions));
            }
        }
    }

    public void Dispose() => _folder.Dispose();
}
