using Confluent.Kafka;

namespace Streaming.Embedded.Tests.Kafka.Journal;

public sealed class KafkaJournal_CommitsTests : IDisposable
{
    private readonly JournalTestFolder _folder = new();

    [Fact]
    public async Task Journal_restores_a_groups_committed_offsets_into_the_new_cluster()
    {
        var (kafka, journal) = await _folder.OpenAsync();
        using (kafka)
        await using (journal)
        {
            await journal.AppendAsync([.. Enumerable.Range(0, 12).Select(i => JournalTestFolder.Entry("one-key", $"v{i}", JournalTestFolder.Config))]);
            journal.RecordCommit("analytics", JournalTestFolder.Config, 0, 7);
            journal.RecordCommit("profiles", JournalTestFolder.Config, 0, 3);
            journal.RecordCommit("analytics", JournalTestFolder.Config, 0, 9);
            Assert.Equal(3, journal.LagOf("analytics", JournalTestFolder.Config));
        }

        (kafka, journal) = await _folder.OpenAsync();
        using (kafka)
        await using (journal)
        {
            Assert.Equal(2, journal.Replayed.Groups);
            Assert.Equal(9, Committed(kafka, "analytics"));
            Assert.Equal(3, Committed(kafka, "profiles"));
            Assert.Equal(3, journal.LagOf("analytics", JournalTestFolder.Config));

            // A member of the group resumes where the group stopped.
            using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
            {
                BootstrapServers = kafka.BootstrapServers,
                GroupId = "analytics",
                AutoOffsetReset = AutoOffsetReset.Earliest,
                EnableAutoCommit = false,
            }).Build();
            consumer.Subscribe(JournalTestFolder.Config);
            var first = consumer.Consume(TimeSpan.FromSeconds(30));
            Assert.NotNull(first);
            Assert.Equal(9, first.Offset.Value);
            consumer.Close();
        }
    }

    [Fact]
    public async Task Journal_keeps_a_topics_incarnation_across_restarts_and_makes_a_new_one_when_its_segments_are_gone()
    {
        string incarnation;
        var (kafka, journal) = await _folder.OpenAsync();
        using (kafka)
        await using (journal)
            incarnation = journal.IncarnationOf(JournalTestFolder.Events);

        (kafka, journal) = await _folder.OpenAsync();
        using (kafka)
        await using (journal)
        {
            Assert.Equal(incarnation, journal.IncarnationOf(JournalTestFolder.Events));
            Assert.NotEqual(incarnation, journal.IncarnationOf(JournalTestFolder.Config));
        }

        // Segments gone, topics.json kept: offsets start at 0 again, so the incarnation must change too.
        foreach (var segment in Directory.EnumerateFiles(_folder.Directory, "*.segment"))
            File.Delete(segment);
        (kafka, journal) = await _folder.OpenAsync();
        using (kafka)
        await using (journal)
        {
            Assert.NotEqual(incarnation, journal.IncarnationOf(JournalTestFolder.Events));
            incarnation = journal.IncarnationOf(JournalTestFolder.Events);
        }

        Directory.Delete(_folder.Directory, recursive: true);
        (kafka, journal) = await _folder.OpenAsync();
        using (kafka)
        await using (journal)
            Assert.NotEqual(incarnation, journal.IncarnationOf(JournalTestFolder.Events));
    }

    private static long Committed(Streaming.Embedded.Kafka.EmbeddedKafka kafka, string group)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = group }).Build();
        return consumer.Committed([new TopicPartition(JournalTestFolder.Config, 0)], TimeSpan.FromSeconds(10)).Single().Offset.Value;
    }

    public void Dispose() => _folder.Dispose();
}
