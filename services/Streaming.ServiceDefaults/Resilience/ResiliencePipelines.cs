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
        var strategies = new PipelineStrategies<object>(name, options, logger, (outcome, token) => outcome.Exception is { } ex && IsTransient(ex, token));
        if (strategies.Retry<RetryStrategyOptions>() is { } retry)
            builder.AddRetry(retry);
        if (strategies.Breaker<CircuitBreakerStrategyOptions>() is { } breaker)
            builder.AddCircuitBreaker(breaker);
        if (strategies.Timeout() is { } timeout)
            builder.AddTimeout(timeout);
    }

    private static void ConfigureHttp(ResiliencePipelineBuilder<HttpResponseMessage> builder, PipelineOptions options, ILogger logger, TimeProvider time)
    {
        builder.TimeProvider = time;
        // 429 and 503 say how long to wait; the server knows better than our backoff.
        var strategies = new PipelineStrategies<HttpResponseMessage>(Http, options, logger, (outcome, _) => IsRetriableHttp(outcome),
            outcome => RetryAfter(outcome.Result, time));
        if (strategies.Retry<RetryStrategyOptions<HttpResponseMessage>>() is { } retry)
            builder.AddRetry(retry);
        if (strategies.Breaker<CircuitBreakerStrategyOptions<HttpResponseMessage>>() is { } breaker)
            builder.AddCircuitBreaker(breaker);
        if (strategies.Timeout() is { } timeout)
            builder.AddTimeout(timeout);
    }

    /// <summary>An HTTP call worth another attempt: unreachable, timed out, or answered 429/503.</summary>
    private static bool IsRetriableHttp(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException or TimeoutRejectedException
        || outcome.Result?.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable;

    /// <summary>The answer's Retry-After, capped at five minutes; null (the backoff) when it has none.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time)
    {
        var header = response?.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - time.GetUtcNow() : null);
        if (wait is not { } value)
            return null;
        return value < TimeSpan.Zero ? TimeSpan.Zero : value > TimeSpan.FromMinutes(5) ? TimeSpan.FromMinutes(5) : value;
    }
}
