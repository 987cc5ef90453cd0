namespace Streaming.Embedded.Kafka.Journal;

/// <summary>What a producer hands the journal: the partition is chosen by the journal unless given.</summary>
public sealed record JournalEntry(string Topic, byte[]? Key, byte[]? Value, IReadOnlyList<KeyValuePair<string, byte[]?>>? Headers = null, int? Partition = null);

/// <summary>A message as the journal keeps it: where it lives in Kafka and what it holds.</summary>
public sealed record JournalMessage(
    string Topic, int Partition, long Offset, long TimestampMs, byte[]? Key, byte[]? Value, IReadOnlyList<KeyValuePair<string, byte[]?>> Headers);

/// <summary>A consumer group's committed position (the next offset it will read) on one partition.</summary>
public sealed record JournalCommit(string Group, string Topic, int Partition, long Offset);
