using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Retry;
using Polly.Timeout;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.ServiceDefaults.Resilience;

/// <summary>
/// The named Polly pipelines, the one way a call to a dependency is retried, timed out and cut off
/// by a circuit breaker. Each is retry (exponential backoff with jitter) around a circuit breaker
/// around a per-attempt timeout, with settings from <see cref="ResilienceOptions"/>. A call that
/// still fails surfaces its exception (or <see cref="BrokenCircuitException"/> while the circuit is
/// open); the consumer runtime treats both as "a dependency is down" and waits, never dead-letters.
/// </summary>
public static class ResiliencePipelines
{
    /// <summary>A ClickHouse insert (analytics' batch writer).</summary>
    public const string ClickHouseWrite = "clickhouse-write";

    /// <summary>A Redis Lua script (identity's stitch, profiles' loads and compare-and-sets).</summary>
    public const string RedisScript = "redis-script";

    /// <summary>An HTTP call answering <see cref="HttpResponseMessage"/> (the CLI's posts to the gateway).</summary>
    public const string Http = "http";

    /// <summary>The logger category retries, timeouts and circuit changes are logged under.</summary>
    public const string LogCategory = "Streaming.Resilience";

    /// <summary>Every named pipeline, built once per name on first use.</summary>
    public static ResiliencePipelineRegistry<string> CreateProvider(ResilienceOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
    {
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(LogCategory);
        var clock = time ?? TimeProvider.System;
        var registry = new ResiliencePipelineRegistry<string>();
        registry.TryAddBuilder(ClickHouseWrite, (builder, _) => Configure(builder, ClickHouseWrite, options.ClickHouseWrite, logger, clock));
        registry.TryAddBuilder(RedisScript, (builder, _) => Configure(builder, RedisScript, options.RedisScript, logger, clock));
        registry.TryAddBuilder<HttpResponseMessage>(Http, (builder, _) => ConfigureHttp(builder, options.Http, logger, clock));
        return registry;
    }

    /// <summary>
    /// Failures worth another attempt: the dependency was unreachable, slow or overloaded. A refused
    /// statement or a bug fails at once and is handled by the caller.
    /// </summary>
    public static bool IsTransient(Exception exception, CancellationToken callerToken) => exception switch
    {
        TimeoutRejectedException => true,
        BrokenCircuitException => false,
        OperationCanceledException => !callerToken.IsCancellationRequested,
        IOException or SocketException => true,
        _ => TransientFailures.IsTransient(exception),
    };

    private static void Configure(ResiliencePipelineBuilder builder, string name, PipelineOptions options, ILogger logger, TimeProvider time)
    {
        builder.TimeProvider = time;
        var handles = new Func<Outcome<object>, CancellationToken, bool>((outcome, token) => outcome.Exception is { } ex && IsTransient(ex, token));
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                Name = name,
                ShouldHandle = args => ValueTask.FromResult(handles(args.Outcome, args.Context.CancellationToken)),
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args => Retrying(logger, name, args.AttemptNumber, args.RetryDelay, Describe(args.Outcome)),
            });
        }
        if (options.BreakerEnabled)
        {
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                Name = name,
                ShouldHandle = args => ValueTask.FromResult(handles(args.Outcome, args.Context.CancellationToken)),
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakDuration,
                OnOpened = args => Opened(logger, name, args.BreakDuration, Describe(args.Outcome)),
                OnHalfOpened = _ => HalfOpened(logger, name),
                OnClosed = _ => Closed(logger, name),
            });
        }
        if (options.AttemptTimeout > TimeSpan.Zero)
            builder.AddTimeout(new TimeoutStrategyOptions { Name = name, Timeout = options.AttemptTimeout, OnTimeout = args => TimedOut(logger, name, args.Timeout) });
    }

    private static void ConfigureHttp(ResiliencePipelineBuilder<HttpResponseMessage> builder, PipelineOptions options, ILogger logger, TimeProvider time)
    {
        builder.TimeProvider = time;
        var handles = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(response => response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable);
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                Name = Http,
                ShouldHandle = handles,
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                // 429 and 503 say how long to wait; the server knows better than our backoff.
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, time)),
                OnRetry = args => Retrying(logger, Http, args.AttemptNumber, args.RetryDelay, Describe(args.Outcome)),
            });
        }
        if (options.BreakerEnabled)
        {
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                Name = Http,
                ShouldHandle = handles,
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakDuration,
                OnOpened = args => Opened(logger, Http, args.BreakDuration, Describe(args.Outcome)),
                OnHalfOpened = _ => HalfOpened(logger, Http),
                OnClosed = _ => Closed(logger, Http),
            });
        }
        if (options.AttemptTimeout > TimeSpan.Zero)
            builder.AddTimeout(new TimeoutStrategyOptions { Name = Http, Timeout = options.AttemptTimeout, OnTimeout = args => TimedOut(logger, Http, args.Timeout) });
    }

    /// <summary>The answer's Retry-After, capped at five minutes; null (the backoff) when it has none.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time)
    {
        var header = response?.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - time.GetUtcNow() : null);
        if (wait is not { } value)
            return null;
        return value < TimeSpan.Zero ? TimeSpan.Zero : value > TimeSpan.FromMinutes(5) ? TimeSpan.FromMinutes(5) : value;
    }

    /// <summary>What failed, for logs and metrics: the exception's type and its message with secrets taken out, or the HTTP status.</summary>
    private static string Describe<T>(Outcome<T> outcome) => outcome.Exception is { } ex
        ? $"{ex.GetType().Name}: {SecretRedaction.Redact(ex.Message)}"
        : outcome.Result is HttpResponseMessage response ? $"HTTP {(int)response.StatusCode}" : "unexpected result";

    private static ValueTask Retrying(ILogger logger, string name, int attempt, TimeSpan delay, string failure)
    {
        ResilienceMetrics.Retries.Add(1, new KeyValuePair<string, object?>("pipeline", name));
        logger.LogWarning("{Pipeline}: attempt {Attempt} failed ({Failure}); retrying in {Delay}", name, attempt + 1, failure, delay);
        return ValueTask.CompletedTask;
    }

    private static ValueTask Opened(ILogger logger, string name, TimeSpan breakDuration, string failure)
    {
        ResilienceMetrics.CircuitOpened.Add(1, new KeyValuePair<string, object?>("pipeline", name));
        logger.LogWarning("{Pipeline}: circuit opened for {BreakDuration} after repeated failures (last: {Failure}); calls fail at once meanwhile", name, breakDuration, failure);
        return ValueTask.CompletedTask;
    }

    private static ValueTask HalfOpened(ILogger logger, string name)
    {
        logger.LogInformation("{Pipeline}: circuit half-open, letting one trial call through", name);
        return ValueTask.CompletedTask;
    }

    private static ValueTask Closed(ILogger logger, string name)
    {
        logger.LogInformation("{Pipeline}: circuit closed, the dependency answers again", name);
        return ValueTask.CompletedTask;
    }

    private static ValueTask TimedOut(ILogger logger, string name, TimeSpan timeout)
    {
        ResilienceMetrics.Timeouts.Add(1, new KeyValuePair<string, object?>("pipeline", name));
        logger.LogWarning("{Pipeline}: an attempt took longer than {Timeout} and was abandoned", name, timeout);
        return ValueTask.CompletedTask;
    }
}
