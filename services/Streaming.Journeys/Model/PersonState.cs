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
    /// <summary>Entries of "did A, then not B within T" journeys waiting for their timer (A seen, B not yet).</summary>
    public List<EntryCandidate> Candidates { get; set; } = [];
    /// <summary>The identifiers of the person's latest event: an update-profile step sends its identify call with them.</summary>
    public string? UserId { get; set; }
    public string? AnonymousId { get; set; }
}

/// <summary>A "did A" seen for a journey whose trigger waits for "not B within T": it enters at <see cref="Due"/> unless B comes first.</summary>
public sealed class EntryCandidate
{
    public required string Id { get; set; }
    public required string JourneyId { get; set; }
    public long Due { get; set; }
    /// <summary>The event A (what the instance gets as its trigger event).</summary>
    public required TrackingEvent Trigger { get; set; }
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
    /// <summary>Identify calls of update-profile steps, for events.raw.</summary>
    public List<TrackingEvent> ProfileUpdates { get; set; } = [];
}
