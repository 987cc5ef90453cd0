namespace Streaming.Contracts.Records;

/// <summary>A message to send to one person on one channel (topics <c>dispatch.&lt;channel&gt;</c>).</summary>
public sealed record DispatchRequest
{
    public required string RequestId { get; init; }
    public required string Tenant { get; init; }
    public long PersonId { get; init; }
    public required string Channel { get; init; }
    public required string TemplateId { get; init; }
    public string Variables { get; init; } = "{}";
    public string? JourneyId { get; init; }
    public string? StepId { get; init; }
    public long RequestedAt { get; init; }
    public long? ExpiresAt { get; init; }
}

public static class ReceiptStatus
{
    public const string Sent = "sent";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
    public const string Opened = "opened";
    public const string Clicked = "clicked";
    public const string Bounced = "bounced";
    public const string Suppressed = "suppressed";
    public const string Unsubscribed = "unsubscribed";
}

/// <summary>What happened to a dispatched message (topic <c>messages.receipts</c>).</summary>
public sealed record MessageReceipt
{
    public required string ReceiptId { get; init; }
    public required string RequestId { get; init; }
    public required string Tenant { get; init; }
    public long PersonId { get; init; }
    public required string Channel { get; init; }
    public required string Status { get; init; }
    public string? ProviderMessageId { get; init; }
    public string? Error { get; init; }
    public string? JourneyId { get; init; }
    public long At { get; init; }
}
