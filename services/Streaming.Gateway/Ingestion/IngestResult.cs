using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Gateway.Ingestion;

/// <summary>One refused event of a request: its position, its messageId when it had one, and why.</summary>
public sealed record EventRejection(int Index, string? MessageId, IReadOnlyList<ValidationError> Errors);

/// <summary>The answer to a request Kafka acknowledged: every accepted event is durable.</summary>
public sealed record IngestAnswer(int Accepted, IReadOnlyList<EventRejection> Rejected, IReadOnlyList<string> Warnings);

/// <summary>Why a whole request was refused; nothing of it was accepted.</summary>
public sealed record IngestFailure(IngestFailureKind Kind, string Code, string Message)
{
    /// <summary>When the sender may try again (rate limit, Kafka unavailable).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The limit that was exceeded (setting name), for 413 answers.</summary>
    public string? Limit { get; init; }

    public long? LimitValue { get; init; }

    /// <summary>Where JSON parsing stopped, for 400 answers.</summary>
    public long? Line { get; init; }

    public long? BytePositionInLine { get; init; }

    /// <summary>This failure as a request step's result: refuse, with the whole failure as the detail the answer is written from.</summary>
    public StepResult Refusal() => StepResult.Refuse(Message, this);
}

/// <summary>The classes of request failure; each maps to one HTTP status and one gRPC status.</summary>
public enum IngestFailureKind
{
    /// <summary>HTTP 400 / gRPC InvalidArgument.</summary>
    BadRequest,
    /// <summary>HTTP 401 / gRPC Unauthenticated.</summary>
    Unauthorized,
    /// <summary>HTTP 413 / gRPC ResourceExhausted (with the limit named).</summary>
    TooLarge,
    /// <summary>HTTP 429 / gRPC ResourceExhausted (with retry-after).</summary>
    RateLimited,
    /// <summary>HTTP 503 / gRPC Unavailable (with retry-after): Kafka did not acknowledge in time.</summary>
    Unavailable,
}

/// <summary>Either an answer or a failure.</summary>
public readonly record struct IngestResult(IngestAnswer? Answer, IngestFailure? Failure)
{
    public static implicit operator IngestResult(IngestAnswer answer) => new(answer, null);
    public static implicit operator IngestResult(IngestFailure failure) => new(null, failure);
}
