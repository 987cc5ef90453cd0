namespace Streaming.Embedded.Tests.Kafka.Journal;

public sealed class KafkaJournal_TornTailTests : IDisposable
{
    private readonly JournalTestFolder _folder = new();

    [Fact]
    public async Task Journal_cuts_a_record_torn_by_a_crash_and_continues_its_offsets()
    {
        await WriteAsync(10);
        var segment = Directory.EnumerateFiles(_folder.Directory, "*.segment").Single();
        // A crash in the middle of the last write: its record is only partly on disk.
        using (var file = new FileStream(segment, FileMode.Open))
            file.SetLength(file.Length - 7);

        var (kafka, journal) = await _folder.OpenAsync();
        using (kafka)
        await using (journal)
        {
            Assert.Equal(9, journal.Replayed.Messages);
            Assert.True(journal.Replayed.TornBytes > 0);
            await journal.AppendAsync([JournalTestFolder.Entry("key", "after", JournalTestFolder.Config)]);
            var stored = JournalTestFolder.ReadAll(kafka, JournalTestFolder.Config, 1, 10);
            Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), stored.Select(m => m.Offset));
            Assert.Equal("after", stored[^1].Value);
        }
    }

    [Fact]
    public async Task Journal_cuts_a_last_record_whose_checksum_fails()
    {
        await WriteAsync(5);
        var segment = Directory.EnumerateFiles(_folder.Directory, "*.segment").Single();
        using (var file = new FileStream(segment, FileMode.Open))
        {
            // Flip the last byte of the last record's body (its value): the length still fits, the checksum does not.
            file.Seek(-1, SeekOrigin.End);
            var last = file.ReadByte();
            file.Seek(-1, SeekOrigin.End);
            file.WriteByte((byte)(last ^ 0xFF));
        }

        var (kafka, journal) = await _folder.OpenAsync();
        using (kafka)
        await using (journal)
        {
            Assert.Equal(4, journal.Replayed.Messages);
            Assert.Equal(4, JournalTestFolder.ReadAll(kafka, JournalTestFolder.Config, 1, 4).Count);
        }
    }

    [Fact]
    public async Task Journal_refuses_to_start_when_an_earlier_segment_is_damaged()
    {
        await WriteAsync(30, segmentBytes: 512);
        var segments = Directory.EnumerateFiles(_folder.Directory, "*.segment").Order(StringComparer.Ordinal).ToList();
        Assert.True(segments.Count > 2);
        using (var file = new FileStream(segments[0], FileMode.Open))
        {
            file.Seek(20, SeekOrigin.Begin);
            file.WriteByte(0xAB);
        }

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => _folder.OpenAsync(segmentBytes: 512));
        Assert.Contains(Path.GetFileName(segments[0]), error.Message, StringComparison.Ordinal);
    }

    private async Task WriteAsync(int count, long segmentBytes = 256L * 1024 * 1024)
    {
        var (kafka, journal) = await _folder.OpenAsync(segmentBytes);
        using (kafka)
        await using (journal)
        {
            for (var i = 0; i < count; i++)
                await journal.AppendAsync([JournalTestFolder.Entry("key", $"value-{i}", JournalTestFolder.Config)]);
        }
    }

    public void Dispose() => _folder.Dispose();
}
