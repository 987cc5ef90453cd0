namespace Streaming.Contracts.Records;

/// <summary>One reason an event was refused, naming the field and how to fix it.</summary>
public sealed record ValidationError(string Code, string Field, string Message);

/// <summary>An event the gateway refused (topic <c>events.rejected</c>), with its raw payload.</summary>
public sealed record RejectedEvent
{
    public required string Tenant { get; init; }
    public string? Source { get; init; }
    public string? MessageId { get; init; }
    public long ReceivedAt { get; init; }
    public required string ReasonCode { get; init; }
    public required string Message { get; init; }
    public IReadOnlyList<ValidationError> Errors { get; init; } = [];
    public required string RawPayload { get; init; }
}
