namespace Streaming.Contracts.Records;

public static class ProfileChangeKind
{
    public const string TagEntered = "tag_entered";
    public const string TagLeft = "tag_left";
    public const string TraitChanged = "trait_changed";
    public const string ScoreChanged = "score_changed";
}

/// <summary>A change of a live profile: tag entered/left, trait or score changed.</summary>
public sealed record ProfileChange
{
    public required string ChangeId { get; init; }
    public required string Tenant { get; init; }
    public long PersonId { get; init; }
    public required string Kind { get; init; }
    public string? TagId { get; init; }
    public string? Trait { get; init; }
    /// <summary>JSON value before the change.</summary>
    public string? OldValue { get; init; }
    /// <summary>JSON value after the change.</summary>
    public string? NewValue { get; init; }
    public long At { get; init; }
    public string? CauseMessageId { get; init; }
}
