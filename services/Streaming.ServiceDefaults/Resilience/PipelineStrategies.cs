using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Streaming.ServiceDefaults.Resilience;

/// <summary>
/// The strategy options of one named pipeline (retry, circuit breaker, per-attempt timeout), built once for the
/// untyped pipelines (<c>T</c> = object) and the typed HTTP one, with the logs and metrics every pipeline reports.
/// Each is null when <see cref="PipelineOptions"/> turns that strategy off.
/// </summary>
/// <param name="handles">Whether an outcome is worth another attempt (and counts against the circuit).</param>
/// <param name="retryDelay">A delay the outcome itself asks for (Retry-After); null, or a null answer, means the backoff.</param>
internal sealed class PipelineStrategies<T>(string name, PipelineOptions options, ILogger logger, Func<Outcome<T>, CancellationToken, bool> handles,
    Func<Outcome<T>, TimeSpan?>? retryDelay = null)
{
    /// <summary>Exponential backoff with jitter; <typeparamref name="TOptions"/> is Polly's untyped or typed options class.</summary>
    public TOptions? Retry<TOptions>() where TOptions : RetryStrategyOptions<T>, new() => options.MaxRetryAttempts <= 0 ? null : new TOptions
    {
        Name = name,
        ShouldHandle = args => ValueTask.FromResult(handles(args.Outcome, args.Context.CancellationToken)),
        MaxRetryAttempts = options.MaxRetryAttempts,
        Delay = options.BaseDelay,
        MaxDelay = options.MaxDelay,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        DelayGenerator = retryDelay is null ? null : args => ValueTask.FromResult(retryDelay(args.Outcome)),
        OnRetry = args => Retrying(args.AttemptNumber, args.RetryDelay, Describe(args.Outcome)),
    };

    public TOptions? Breaker<TOptions>() where TOptions : CircuitBreakerStrategyOptions<T>, new() => !options.BreakerEnabled ? null : new TOptions
    {
        Name = name,
        ShouldHandle = args => ValueTask.FromResult(handles(args.Outcome, args.Context.CancellationToken)),
        FailureRatio = options.BreakerFailureRatio,
        MinimumThroughput = options.BreakerMinimumThroughput,
        SamplingDuration = options.BreakerSamplingDuration,
        BreakDuration = options.BreakDuration,
        OnOpened = args => Opened(args.BreakDuration, Describe(args.Outcome)),
        OnHalfOpened = _ => HalfOpened(),
        OnClosed = _ => Closed(),
    };

    public TimeoutStrategyOptions? Timeout() => options.AttemptTimeout <= TimeSpan.Zero
        ? null
        : new TimeoutStrategyOptions { Name = name, Timeout = options.AttemptTimeout, OnTimeout = args => TimedOut(args.Timeout) };

    /// <summary>What failed, for logs and metrics: the exception's type and its message with secrets taken out, or the HTTP status.</summary>
    private static string Describe(Outcome<T> outcome) => outcome.Exception is { } ex
        ? $"{ex.GetType().Name}: {SecretRedaction.Redact(ex.Message)}"
        : outcome.Result is HttpResponseMessage response ? $"HTTP {(int)response.StatusCode}" : "unexpected result";

    private ValueTask Retrying(int attempt, TimeSpan delay, string failure)
    {
        ResilienceMetrics.Retries.Add(1, new KeyValuePair<string, object?>("pipeline", name));
        logger.LogWarning("{Pipeline}: attempt {Attempt} failed ({Failure}); retrying in {Delay}", name, attempt + 1, failure, delay);
        return ValueTask.CompletedTask;
    }

    private ValueTask Opened(TimeSpan breakDuration, string failure)
    {
        ResilienceMetrics.CircuitOpened.Add(1, new KeyValuePair<string, object?>("pipeline", name));
        logger.LogWarning("{Pipeline}: circuit opened for {BreakDuration} after repeated failures (last: {Failure}); calls fail at once meanwhile", name, breakDuration, failure);
        return ValueTask.CompletedTask;
    }

    private ValueTask HalfOpened()
    {
        logger.LogInformation("{Pipeline}: circuit half-open, letting one trial call through", name);
        return ValueTask.CompletedTask;
    }

    private ValueTask Closed()
    {
        logger.LogInformation("{Pipeline}: circuit closed, the dependency answers again", name);
        return ValueTask.CompletedTask;
    }

    private ValueTask TimedOut(TimeSpan timeout)
    {
        ResilienceMetrics.Timeouts.Add(1, new KeyValuePair<string, object?>("pipeline", name));
        logger.LogWarning("{Pipeline}: an attempt took longer than {Timeout} and was abandoned", name, timeout);
        return ValueTask.CompletedTask;
    }
}
