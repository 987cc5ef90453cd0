using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Streaming.Embedded.Kafka.Journal;

/// <summary>How to open a <see cref="KafkaJournal"/>.</summary>
public sealed record KafkaJournalOptions
{
    /// <summary>Folder of the segments and <c>topics.json</c> (the standalone host uses <c>&lt;data&gt;/kafka</c>).</summary>
    public required string Directory { get; init; }

    /// <summary>Every topic the journal may hold; they are created in the mock cluster at open.</summary>
    public required IReadOnlyList<EmbeddedTopic> Topics { get; init; }

    /// <summary>A segment is closed and a new one begun past this size.</summary>
    public long SegmentBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Most bytes written by one group commit (one fsync).</summary>
    public int MaxGroupCommitBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Start-up progress lines (long replays).</summary>
    public Action<string>? Progress { get; init; }

    public ILogger Logger { get; init; } = NullLogger.Instance;
}
