using Streaming.Contracts.Records;
using Streaming.Gateway.Ingestion;

namespace Streaming.Gateway.Pipeline;

/// <summary>What a request-level step decided: go on with a value, or refuse the whole request.</summary>
public readonly record struct RequestStep<T>(T? Value, IngestFailure? Failure)
{
    public bool Refused => Failure is not null;

    public static implicit operator RequestStep<T>(IngestFailure failure) => new(default, failure);
}

/// <summary>Builds a <see cref="RequestStep{T}"/> with the value's type inferred.</summary>
public static class RequestStep
{
    public static RequestStep<T> Continue<T>(T value) => new(value, null);
}

public enum EventVerdict { Continue, Reject, Drop }

/// <summary>What an event-level step decided: go on, reject the event (with reasons), or drop it (with a warning).</summary>
public readonly record struct EventOutcome(EventVerdict Verdict, IReadOnlyList<ValidationError>? Errors = null)
{
    public static readonly EventOutcome Continue = new(EventVerdict.Continue);

    /// <summary>Dropped on purpose (e.g. a bot on a source that drops bots); the step added a warning saying why.</summary>
    public static readonly EventOutcome Drop = new(EventVerdict.Drop);

    public static EventOutcome Reject(IReadOnlyList<ValidationError> errors) => new(EventVerdict.Reject, errors);

    public static EventOutcome Reject(string code, string field, string message) => new(EventVerdict.Reject, [new ValidationError(code, field, message)]);
}

/// <summary>One processing step of a single event. Steps run in the order <see cref="IngestPipeline"/> lists.</summary>
public interface IEventStep
{
    EventOutcome Run(EventDraft draft, RequestScope scope);
}
