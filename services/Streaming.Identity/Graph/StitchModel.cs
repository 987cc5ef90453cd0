using System.Text.Json.Serialization;

namespace Streaming.Identity.Graph;

/// <summary>One identifier of an event: a type (e.g. <c>userId</c>) and a value.</summary>
public readonly record struct Identifier(string Type, string Value)
{
    public override string ToString() => $"{Type}:{Value}";
}

/// <summary>What the graph needs of one event: who it names (strongest first, junk removed) and where it came from.</summary>
public sealed record StitchRequest(
    string MessageId,
    string Position,
    long ReceivedAt,
    long Timestamp,
    string Source,
    string EventType,
    IReadOnlyList<Identifier> Identifiers);

public enum StitchStatus
{
    /// <summary>Stitched now.</summary>
    Stitched,

    /// <summary>This message at this position was applied before: the same result again (a redelivery or a replay).</summary>
    Replayed,

    /// <summary>The same messageId at another position within the dedup window: drop it.</summary>
    Duplicate,
}

/// <summary>The person of an event and the merges (or refused merges) it caused.</summary>
public sealed record StitchResult(StitchStatus Status, long PersonId, IReadOnlyList<MergeRecord> Merges);

/// <summary>
/// A merge or a refused merge, as the stitch script records it in the audit trail (short JSON
/// names keep the Redis lists small). Person ids are strings because Lua numbers are doubles.
/// </summary>
public sealed record MergeRecord
{
    /// <summary>Index of this record among those of its event (for a deterministic id).</summary>
    [JsonPropertyName("k")] public string Index { get; init; } = "0";
    /// <summary><c>merged</c> or <c>refused</c>.</summary>
    [JsonPropertyName("o")] public string Outcome { get; init; } = "";
    [JsonPropertyName("s")] public string Survivor { get; init; } = "0";
    [JsonPropertyName("a")] public string Absorbed { get; init; } = "0";
    [JsonPropertyName("t")] public string IdentifierType { get; init; } = "";
    [JsonPropertyName("v")] public string IdentifierValue { get; init; } = "";
    [JsonPropertyName("r")] public string Reason { get; init; } = "";
    [JsonPropertyName("m")] public string MessageId { get; init; } = "";
    [JsonPropertyName("e")] public string EventType { get; init; } = "";
    [JsonPropertyName("src")] public string Source { get; init; } = "";
    [JsonPropertyName("at")] public string At { get; init; } = "0";
}
