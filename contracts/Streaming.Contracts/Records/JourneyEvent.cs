namespace Streaming.Contracts.Records;

public static class JourneyEventKind
{
    public const string Entered = "entered";
    public const string StepStarted = "step_started";
    public const string MessageRequested = "message_requested";
    public const string Capped = "capped";
    public const string Held = "held";
    public const string Released = "released";
    public const string Expired = "expired";
    public const string Suppressed = "suppressed";
    public const string Branched = "branched";
    public const string Split = "split";
    public const string Converted = "converted";
    public const string Exited = "exited";
    /// <summary>An update-profile step sent its identify call (detail: the traits set).</summary>
    public const string ProfileUpdated = "profile_updated";
}

/// <summary>What happened to one person in one journey (topic <c>journeys.events</c>), for campaign reports.</summary>
public sealed record JourneyEvent
{
    public required string EventId { get; init; }
    public required string Tenant { get; init; }
    public required string JourneyId { get; init; }
    public long Version { get; init; }
    public required string InstanceId { get; init; }
    public long PersonId { get; init; }
    public required string Kind { get; init; }
    public string? StepId { get; init; }
    /// <summary>The branch taken, the split variant, or the reason of a hold, suppression or exit.</summary>
    public string? Detail { get; init; }
    public long At { get; init; }
}
