namespace Streaming.Contracts.Records;

public static class MergeOutcome
{
    public const string Merged = "merged";
    public const string Refused = "refused";
}

/// <summary>Two persons merged (absorbed redirects to survivor), or a merge refused with its reason.</summary>
public sealed record IdentityMerge
{
    public required string MergeId { get; init; }
    public required string Tenant { get; init; }
    public required string Outcome { get; init; }
    public long SurvivorPersonId { get; init; }
    public long AbsorbedPersonId { get; init; }
    public string? Reason { get; init; }
    public required string CauseMessageId { get; init; }
    public required string IdentifierType { get; init; }
    public required string IdentifierValue { get; init; }
    public long At { get; init; }
}
