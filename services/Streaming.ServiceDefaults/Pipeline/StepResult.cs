namespace Streaming.ServiceDefaults.Pipeline;

/// <summary>
/// The one result of a pipeline step: continue, or stop with a reason (drop, dead-letter, refuse).
/// Expected failures are results; a step throws only for the unexpected, which means "retry".
/// <see cref="Detail"/> carries what the caller needs besides the sentence (the gateway's
/// validation errors or its HTTP answer). A readonly struct: the hot paths return
/// <see cref="Continue"/> several times per event without allocating.
/// </summary>
public readonly struct StepResult
{
    private StepResult(StepVerdict verdict, string? reason, object? detail)
    {
        Verdict = verdict;
        Reason = reason;
        Detail = detail;
    }

    public StepVerdict Verdict { get; }

    /// <summary>Why the step stopped, in a sentence a person acts on; null for <see cref="StepVerdict.Continue"/>.</summary>
    public string? Reason { get; }

    /// <summary>Structured detail of a stop for the caller (e.g. the validation errors), or null.</summary>
    public object? Detail { get; }

    public bool Continues => Verdict == StepVerdict.Continue;

    public static StepResult Continue => default;

    /// <summary>Continue, handing <paramref name="value"/> to the next step.</summary>
    public static StepResult<T> ContinueWith<T>(T value) => new(value);

    public static StepResult Drop(string reason, object? detail = null) => new(StepVerdict.Drop, Required(reason), detail);

    public static StepResult DeadLetter(string reason, object? detail = null) => new(StepVerdict.DeadLetter, Required(reason), detail);

    public static StepResult Refuse(string reason, object? detail = null) => new(StepVerdict.Refuse, Required(reason), detail);

    public override string ToString() => Continues ? "continue" : $"{Verdict}: {Reason}";

    // A stop without a reason is the one thing this type exists to prevent.
    private static string Required(string reason) =>
        string.IsNullOrWhiteSpace(reason) ? throw new ArgumentException("A step that stops says why.", nameof(reason)) : reason;
}

/// <summary>
/// A <see cref="StepResult"/> that hands a value to the next step when it continues (the parsed
/// batch, the authenticated source, the identifiers found). A stop converts implicitly, so a step
/// returns <c>StepResult.DeadLetter(...)</c> whatever its value type.
/// </summary>
public readonly struct StepResult<T>
{
    private readonly StepResult _result;

    private StepResult(StepResult result, T? value)
    {
        _result = result;
        Value = value;
    }

    public StepVerdict Verdict => _result.Verdict;

    public string? Reason => _result.Reason;

    public object? Detail => _result.Detail;

    public bool Continues => _result.Continues;

    /// <summary>The value handed on; default when the step stopped.</summary>
    public T? Value { get; }

    internal StepResult(T value)
        : this(StepResult.Continue, value)
    {
    }

    /// <summary>The verdict without the value (for <see cref="Consumers.HandlerOutcome.Of"/> or a caller that only needs the stop).</summary>
    public StepResult WithoutValue() => _result;

    /// <summary>A stop of any step result; a <see cref="StepResult.Continue"/> converts to a continue without a value.</summary>
    public static implicit operator StepResult<T>(StepResult result) => new(result, default);

    public override string ToString() => _result.ToString();
}
