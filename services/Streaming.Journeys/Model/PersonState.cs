using System.Text.Json;
using Streaming.Contracts.Records;

namespace Streaming.Journeys.Model;

/// <summary>
/// Everything journeys keep about one person, in one Redis value written by compare-and-set: the
/// traits and tags the engine reads, the running instances, entry history (re-entry policies), the
/// messages sent (frequency caps) and the offset fences of every input. The outputs of an input
/// wait beside it (<see cref="PendingOutputs"/>) until the broker acknowledged them.
/// </summary>
public sealed class PersonState
{
    public Dictionary<string, JsonElement> Traits { get; set; } = [];
    public HashSet<string> Tags { get; set; } = [];
    public List<JourneyInstance> Instances { get; set; } = [];
    /// <summary>Per journey id: the last entry time and how many times the person entered.</summary>
    public Dictionary<string, EntryHistory> Entries { get; set; } = [];
    /// <summary>Marketing messages requested (channel and time), newest last, kept for the longest cap window.</summary>
    public List<SentMessage> Sent { get; set; } = [];
    /// <summary>Input fence key (topic/partition@incarnation) → the last offset applied.</summary>
    public Dictionary<string, long> Offsets { get; set; } = [];
    /// <summary>Ids of the inputs applied lately (events, receipts, triggers), so an input seen again under another offset changes nothing.</summary>
    public List<string> Seen { get; set; } = [];
}

public sealed class EntryHistory
{
    public long LastEnteredAt { get; set; }
    public int Count { get; set; }
    /// <summary>Ids of instances that ended, newest last, so a replayed entry is recognised.</summary>
    public List<string> Ended { get; set; } = [];
}

public sealed record SentMessage(string Channel, long At);

/// <summary>What one input caused, kept from the write of the state until the broker acknowledged it.</summary>
public sealed class PendingOutputs
{
    public List<DispatchRequest> Dispatches { get; set; } = [];
    public List<JourneyEvent> Events { get; set; } = [];
}
