using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Streaming.Contracts.Topics;

namespace Streaming.Embedded.Kafka.Journal;

/// <summary>
/// A write-ahead journal in front of the in-memory mock cluster, so the standalone host's Kafka
/// survives a crash. Every produce of the process comes here: the journal picks the partition
/// (murmur2 of the key, like every Kafka client), assigns the offset, appends a checksummed record
/// to a segment file and fsyncs (one fsync per group of concurrent appends), and only then produces
/// the record to the mock with its explicit partition. One idempotent producer keeps the log order,
/// so the mock's offsets equal the assigned ones; every delivery report is checked and a mismatch
/// stops the journal. A caller's task completes once the mock acknowledged: whatever a consumer can
/// see is already on disk with its offset. At open, the segments are replayed into a fresh mock
/// (same partitions, same offsets) and the consumer groups' recorded commits are restored.
/// </summary>
public sealed class KafkaJournal : IAsyncDisposable
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(2);

    private readonly KafkaJournalOptions _options;
    private readonly JournalTopics _topics;
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly Dictionary<string, long[]> _nextOffsets;
    private readonly ConcurrentDictionary<(string Group, string Topic, int Partition), long> _committed = new();
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger;
    private Thread? _writer;
    private FileStream? _segment;
    private long _segmentSequence;
    private volatile KafkaException? _fault;

    private KafkaJournal(KafkaJournalOptions options, JournalTopics topics, string bootstrapServers)
    {
        _options = options;
        _topics = topics;
        _logger = options.Logger;
        _nextOffsets = topics.All.ToDictionary(t => t.Name, t => new long[t.Partitions]);
        _producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            ClientId = "streaming-journal",
            Acks = Acks.All,
            EnableIdempotence = true,
            MaxInFlight = 5,
            LingerMs = 1,
            CompressionType = CompressionType.Lz4,
            BatchNumMessages = 10_000,
            QueueBufferingMaxMessages = 1_000_000,
            QueueBufferingMaxKbytes = 1024 * 1024,
            // Never give up on a record: a dropped one would leave a gap and shift every later offset.
            MessageTimeoutMs = 0,
            DeliveryReportFields = "status",
        }).SetErrorHandler((_, error) => _logger.LogWarning("Journal producer error {Code}: {Reason}", error.Code, error.Reason))
        .Build();
    }

    /// <summary>What the start-up replay did.</summary>
    public JournalReplayStats Replayed { get; private set; } = new(0, 0, 0, 0, TimeSpan.Zero, 0);

    /// <summary>Opens (or creates) the journal, creates its topics in <paramref name="kafka"/> and replays the segments into it.</summary>
    public static async Task<KafkaJournal> OpenAsync(KafkaJournalOptions options, EmbeddedKafka kafka, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(options.Directory);
        var topics = JournalTopics.Load(options.Directory, options.Topics, renew: JournalSegments.List(options.Directory).Count == 0);
        foreach (var topic in topics.All)
            kafka.CreateTopic(topic.Name, topic.Partitions);
        var journal = new KafkaJournal(options, topics, kafka.BootstrapServers);
        try
        {
            await journal.ReplayAsync(kafka.BootstrapServers, cancellationToken);
            journal._writer = new Thread(journal.WriteLoop) { Name = "kafka-journal", IsBackground = true };
            journal._writer.Start();
            return journal;
        }
        catch
        {
            await journal.DisposeAsync();
            throw;
        }
    }

    /// <summary>Why the journal stopped accepting writes; null while it works.</summary>
    public string? FaultReason => _fault?.Error.Reason;

    /// <summary>The incarnation id of a topic: stable across restarts, new when the journal folder is new.</summary>
    public string IncarnationOf(string topic) =>
        _topics.TryGet(topic, out var known) ? known.Incarnation : throw UnknownTopic(topic);

    /// <summary>
    /// Journals the entries (fsync) and produces them to Kafka; completes when Kafka acknowledged all
    /// of them with the offsets the journal assigned. Order per partition is the order given.
    /// </summary>
    public Task AppendAsync(IReadOnlyList<JournalEntry> entries)
    {
        if (_fault is { } fault)
            return Task.FromException(fault);
        foreach (var entry in entries)
        {
            if (!_topics.TryGet(entry.Topic, out var topic))
                return Task.FromException(UnknownTopic(entry.Topic));
            if (entry.Partition is { } partition && (partition < 0 || partition >= topic.Partitions))
                return Task.FromException(new ArgumentException($"Topic '{entry.Topic}' has no partition {partition} (it has {topic.Partitions})."));
        }
        var append = new PendingAppend(entries);
        if (!_queue.Writer.TryWrite(append))
            return Task.FromException(new KafkaException(new Error(ErrorCode.Local_Destroy, "The Kafka journal is closed.")));
        return append.Completion.Task;
    }

    /// <summary>
    /// Records a consumer group's committed position. Not waited for: a commit lost in a crash only
    /// means that group reads a few messages again, which its fences absorb.
    /// </summary>
    public void RecordCommit(string group, string topic, int partition, long offset)
    {
        var key = (group, topic, partition);
        if (offset < 0 || (_committed.TryGetValue(key, out var known) && known == offset))
            return;
        _committed[key] = offset;
        _queue.Writer.TryWrite(new PendingCommit(new JournalCommit(group, topic, partition, offset)));
    }

    /// <summary>How many journaled messages of <paramref name="topic"/> the group has not committed yet.</summary>
    public long LagOf(string group, string topic)
    {
        var ends = _nextOffsets.TryGetValue(topic, out var known) ? known : throw UnknownTopic(topic);
        long lag = 0;
        for (var partition = 0; partition < ends.Length; partition++)
        {
            var end = Volatile.Read(ref ends[partition]);
            var committed = _committed.TryGetValue((group, topic, partition), out var offset) ? offset : 0;
            lag += Math.Max(0, end - committed);
        }
        return lag;
    }

    private async Task ReplayAsync(string bootstrapServers, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var segments = JournalSegments.List(_options.Directory);
        var totalBytes = segments.Sum(s => new FileInfo(s).Length);
        long bytesBefore = 0, messages = 0, commits = 0, tornBytes = 0;
        var delivery = new ReplayDelivery();
        var lastProgress = clock.Elapsed;
        for (var i = 0; i < segments.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = segments[i];
            var fileLength = new FileInfo(path).Length;
            var readable = JournalSegments.Read(path, (record, position) =>
            {
                switch (record)
                {
                    case JournalMessage message:
                        Replay(path, message, delivery);
                        messages++;
                        break;
                    case JournalCommit commit:
                        _committed[(commit.Group, commit.Topic, commit.Partition)] = commit.Offset;
                        commits++;
                        break;
                }
                if (clock.Elapsed - lastProgress >= ProgressInterval)
                {
                    lastProgress = clock.Elapsed;
                    _options.Progress?.Invoke(string.Create(CultureInfo.InvariantCulture,
                        $"replaying the Kafka journal: {(bytesBefore + position) / 1048576.0:F0} of {totalBytes / 1048576.0:F0} MiB, {messages:N0} messages ..."));
                }
            });
            if (readable < fileLength)
            {
                if (i != segments.Count - 1)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                        $"Kafka journal segment {path} is unreadable at byte {readable} of {fileLength}, and it is not the last segment (a crash can only tear the last one). The data folder is damaged; restore it from a backup, or move the later segments away to start from this point."));
                }

                TruncateTornTail(path, readable, fileLength);
                tornBytes = fileLength - readable;
            }
            bytesBefore += readable;
        }

        _producer.Flush(cancellationToken);
        await delivery.WaitAsync(messages, cancellationToken);
        if (delivery.Failure is { } failure)
            throw new InvalidOperationException("Replaying the Kafka journal into the embedded Kafka failed: " + failure);
        await RestoreCommitsAsync(bootstrapServers, cancellationToken);
        OpenSegmentForAppend(segments);

        Replayed = new JournalReplayStats(messages, commits, bytesBefore, tornBytes, clock.Elapsed, _committed.Keys.Select(k => k.Group).Distinct().Count());
        if (messages > 0 || tornBytes > 0)
            _logger.LogInformation("Kafka journal replayed: {Stats}", Replayed);
    }

    private void Replay(string path, JournalMessage message, ReplayDelivery delivery)
    {
        if (!_nextOffsets.TryGetValue(message.Topic, out var next) || message.Partition >= next.Length)
            throw new InvalidDataException($"Kafka journal segment {path} holds a message of {message.Topic}[{message.Partition}], which topics.json does not list.");
        if (message.Offset != next[message.Partition])
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"Kafka journal segment {path} holds {message.Topic}[{message.Partition}] offset {message.Offset} where {next[message.Partition]} was expected; the journal is damaged."));
        }

        next[message.Partition]++;
        var expected = message.Offset;
        Produce(new TopicPartition(message.Topic, message.Partition), ToKafka(message.Key, message.Value, message.Headers, message.TimestampMs),
            report => delivery.OnDelivered(report, expected));
    }

    private void TruncateTornTail(string path, long readable, long fileLength)
    {
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(readable);
            file.Flush(flushToDisk: true);
        }
        _logger.LogWarning("Kafka journal: cut a torn tail of {Bytes} bytes off {Segment} (a write interrupted by a crash; it was never acknowledged)", fileLength - readable, path);
        _options.Progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"Kafka journal: cut a torn tail of {fileLength - readable} bytes (interrupted by a crash, never acknowledged)"));
    }

    private async Task RestoreCommitsAsync(string bootstrapServers, CancellationToken cancellationToken)
    {
        foreach (var group in _committed.GroupBy(c => c.Key.Group))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
            {
                BootstrapServers = bootstrapServers,
                GroupId = group.Key,
                EnableAutoCommit = false,
            }).Build();
            var offsets = group.Select(c => new TopicPartitionOffset(c.Key.Topic, c.Key.Partition, c.Value)).ToList();
            // The coordinator may need a moment after the replay; a commit of a group without members is accepted.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    consumer.Commit(offsets);
                    break;
                }
                catch (KafkaException ex) when (attempt < 20)
                {
                    _logger.LogDebug("Restoring the offsets of group {Group} failed ({Reason}); retrying", group.Key, ex.Error.Reason);
                    await Task.Delay(100, cancellationToken);
                }
            }
            consumer.Close();
        }
    }

    private void OpenSegmentForAppend(IReadOnlyList<string> segments)
    {
        if (segments.Count > 0)
        {
            _segmentSequence = JournalSegments.SequenceOf(segments[^1]);
            _segment = new FileStream(segments[^1], FileMode.Append, FileAccess.Write, FileShare.Read, 1);
        }
        else
        {
            StartSegment(1);
        }
    }

    private void StartSegment(long sequence)
    {
        _segmentSequence = sequence;
        _segment = new FileStream(JournalSegments.PathOf(_options.Directory, sequence), FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1);
        DurableFiles.SyncDirectory(_options.Directory);
    }

    // The one thread that assigns offsets, writes, fsyncs and hands records to Kafka: its order is the log's order.
    private void WriteLoop()
    {
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        var batch = new List<PendingAppend>();
        var reader = _queue.Reader;
        while (reader.TryPeek(out _) || reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            buffer.ResetWrittenCount();
            batch.Clear();
            while (buffer.WrittenCount < _options.MaxGroupCommitBytes && reader.TryRead(out var item))
            {
                if (item is PendingAppend append)
                {
                    if (_fault is { } fault)
                    {
                        append.Abandon(fault);
                        continue;
                    }
                    Encode(append, buffer);
                    batch.Add(append);
                }
                else if (item is PendingCommit commit)
                {
                    JournalFrame.WriteCommit(buffer, commit.Commit);
                }
            }
            if (buffer.WrittenCount == 0)
                continue;
            try
            {
                _segment!.Write(buffer.WrittenSpan);
                _segment.Flush(flushToDisk: true);
                if (_segment.Length >= _options.SegmentBytes)
                {
                    _segment.Dispose();
                    StartSegment(_segmentSequence + 1);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Fault($"writing the Kafka journal failed: {ex.Message}");
                foreach (var append in batch)
                    append.Abandon(_fault!);
                continue;
            }
            foreach (var append in batch)
                ProduceAll(append);
        }
    }

    private void Encode(PendingAppend append, ArrayBufferWriter<byte> buffer)
    {
        var entries = append.Entries;
        append.TimestampMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        append.Partitions = new int[entries.Count];
        append.Offsets = new long[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var next = _nextOffsets[entry.Topic];
            var partition = entry.Partition
                ?? (entry.Key is null ? Random.Shared.Next(next.Length) : KafkaPartitioner.PartitionOf(entry.Key, next.Length));
            var offset = next[partition];
            Volatile.Write(ref next[partition], offset + 1);
            append.Partitions[i] = partition;
            append.Offsets[i] = offset;
            JournalFrame.WriteMessage(buffer, new JournalMessage(entry.Topic, partition, offset, append.TimestampMs, entry.Key, entry.Value, entry.Headers ?? []));
        }
    }

    private void ProduceAll(PendingAppend append)
    {
        for (var i = 0; i < append.Entries.Count; i++)
        {
            var entry = append.Entries[i];
            var expected = append.Offsets[i];
            Produce(new TopicPartition(entry.Topic, append.Partitions[i]), ToKafka(entry.Key, entry.Value, entry.Headers, append.TimestampMs),
                report => OnDelivered(append, report, expected));
        }
    }

    private void OnDelivered(PendingAppend append, DeliveryReport<byte[], byte[]> report, long expected)
    {
        if (report.Error.IsError)
        {
            append.RecordFailure(new ProduceException<byte[], byte[]>(report.Error, report));
        }
        else if (report.Offset.Value != expected)
        {
            Fault(string.Create(CultureInfo.InvariantCulture,
                $"Kafka stored {report.TopicPartition} at offset {report.Offset.Value}, the journal assigned {expected}: something else produced to the embedded Kafka"));
            append.RecordFailure(_fault!);
        }
        append.Delivered();
    }

    private void Produce(TopicPartition partition, Message<byte[], byte[]> message, Action<DeliveryReport<byte[], byte[]>> onDelivery)
    {
        while (true)
        {
            try
            {
                _producer.Produce(partition, message, onDelivery);
                return;
            }
            catch (ProduceException<byte[], byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                // Back-pressure: the writer waits for the mock to catch up, and so do new appends.
                Thread.Sleep(1);
            }
        }
    }

    private static Message<byte[], byte[]> ToKafka(byte[]? key, byte[]? value, IReadOnlyList<KeyValuePair<string, byte[]?>>? headers, long timestampMs)
    {
        Headers? kafkaHeaders = null;
        if (headers is { Count: > 0 })
        {
            kafkaHeaders = [];
            foreach (var (name, bytes) in headers)
                kafkaHeaders.Add(name, bytes);
        }
        return new Message<byte[], byte[]> { Key = key!, Value = value!, Headers = kafkaHeaders, Timestamp = new Timestamp(timestampMs, TimestampType.CreateTime) };
    }

    private void Fault(string reason)
    {
        if (_fault is not null)
            return;
        _fault = new KafkaException(new Error(ErrorCode.Local_Fatal, "The Kafka journal stopped: " + reason));
        _logger.LogCritical("The Kafka journal stopped accepting writes: {Reason}", reason);
    }

    private static ArgumentException UnknownTopic(string topic) =>
        new($"Topic '{topic}' is not in the Kafka journal; every topic must be listed in KafkaJournalOptions.Topics (the topic catalog).");

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writer is not null)
            await Task.Run(() => _writer.Join());
        try
        {
            _producer.Flush(TimeSpan.FromSeconds(10));
        }
        catch (KafkaException ex)
        {
            _logger.LogWarning(ex, "Journal producer flush on shutdown failed");
        }
        _producer.Dispose();
        if (_segment is not null)
        {
            _segment.Flush(flushToDisk: true);
            await _segment.DisposeAsync();
        }
    }

    private abstract class Pending;

    private sealed class PendingCommit(JournalCommit commit) : Pending
    {
        public JournalCommit Commit { get; } = commit;
    }

    private sealed class PendingAppend(IReadOnlyList<JournalEntry> entries) : Pending
    {
        private int _remaining = entries.Count;
        private Exception? _failure;

        public IReadOnlyList<JournalEntry> Entries { get; } = entries;
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public long TimestampMs { get; set; }
        public int[] Partitions { get; set; } = [];
        public long[] Offsets { get; set; } = [];

        /// <summary>The append never reached Kafka: no delivery report will come.</summary>
        public void Abandon(Exception error) => Completion.TrySetException(error);

        public void RecordFailure(Exception error) => Interlocked.CompareExchange(ref _failure, error, null);

        public void Delivered()
        {
            if (Interlocked.Decrement(ref _remaining) != 0)
                return;
            if (_failure is null)
                Completion.TrySetResult();
            else
                Completion.TrySetException(_failure);
        }
    }

    private sealed class ReplayDelivery
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _delivered;
        private long _expected = -1;

        public string? Failure { get; private set; }

        public void OnDelivered(DeliveryReport<byte[], byte[]> report, long expected)
        {
            if (report.Error.IsError)
                Failure ??= $"{report.TopicPartition}: {report.Error.Reason}";
            else if (report.Offset.Value != expected)
                Failure ??= string.Create(CultureInfo.InvariantCulture, $"{report.TopicPartition} stored at offset {report.Offset.Value}, journaled at {expected}");
            if (Interlocked.Increment(ref _delivered) == Volatile.Read(ref _expected))
                _done.TrySetResult();
        }

        public Task WaitAsync(long count, CancellationToken cancellationToken)
        {
            Volatile.Write(ref _expected, count);
            if (Interlocked.Read(ref _delivered) == count)
                _done.TrySetResult();
            return _done.Task.WaitAsync(cancellationToken);
        }
    }
}

/// <summary>What a start-up replay read and how long it took.</summary>
public sealed record JournalReplayStats(long Messages, long Commits, long Bytes, long TornBytes, TimeSpan Duration, int Groups)
{
    public double MessagesPerSecond => Duration > TimeSpan.Zero ? Messages / Duration.TotalSeconds : 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Messages:N0} messages and {Commits:N0} commits ({Bytes / 1048576.0:F1} MiB) in {Duration.TotalSeconds:F2} s ({MessagesPerSecond:N0} messages/s), offsets of {Groups} group(s) restored");
}
