namespace Streaming.Contracts.Records;

/// <summary>An accepted tracking event (topic <c>events.raw</c>). Times are epoch milliseconds UTC.</summary>
public sealed record TrackingEvent
{
    public required string MessageId { get; init; }
    /// <summary>track, identify, page, screen, group or alias.</summary>
    public required string Type { get; init; }
    public string? Event { get; init; }
    public string? Name { get; init; }
    public required string Tenant { get; init; }
    public required string Source { get; init; }
    public string? AnonymousId { get; init; }
    public string? UserId { get; init; }
    public string? PreviousId { get; init; }
    public string? GroupId { get; init; }
    /// <summary>Event time after clock-skew correction.</summary>
    public long Timestamp { get; init; }
    public long? OriginalTimestamp { get; init; }
    public long? SentAt { get; init; }
    public long ReceivedAt { get; init; }
    public string Context { get; init; } = "{}";
    public string Properties { get; init; } = "{}";
    public string Traits { get; init; } = "{}";
    public string Integrations { get; init; } = "{}";

    /// <summary>The identifier the gateway keys by: userId when known, else anonymousId.</summary>
    public string? BestIdentifier => UserId ?? AnonymousId;
}

/// <summary>A deduplicated event resolved to a person (topic <c>events.identified</c>).</summary>
public sealed record IdentifiedEvent(long PersonId, TrackingEvent Event)
{
    /// <summary>
    /// <c>type:value</c> of every identifier of the event as identity linked it (userId, anonymousId,
    /// an alias's previousId under the type it was linked as, the tenant's extra types), so consumers
    /// need not re-derive identity's rules. Empty for events written before v2 of the schema.
    /// </summary>
    public IReadOnlyList<string> Identifiers { get; init; } = [];
}
