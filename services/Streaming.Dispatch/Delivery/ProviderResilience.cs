using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using Streaming.Dispatch.Providers;

namespace Streaming.Dispatch.Delivery;

/// <summary>
/// The Polly pipeline of one provider, outermost first: retry (exponential backoff with jitter, or the
/// provider's <c>Retry-After</c>) → circuit breaker → rate limiter (waits for a turn, never exceeds the
/// provider's sends per second) → per-attempt timeout. A transient answer or an unknown outcome
/// (timeout, lost connection) is retried; a <c>Retry-After</c> longer than <see cref="ProviderOptions.MaxDelay"/>
/// is not waited for: the channel fails over instead.
/// </summary>
public static class ProviderResilience
{
    /// <summary>The pipeline, with the provider's rate limiter (<see cref="Bucket"/>), which its owner disposes: the token bucket runs a timer.</summary>
    public static ResiliencePipeline<ProviderAnswer> Build(string providerName, ProviderOptions options, TimeProvider time, ILogger logger, RateLimiter limiter)
    {
        var builder = new ResiliencePipelineBuilder<ProviderAnswer> { TimeProvider = time, Name = providerName };
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<ProviderAnswer>
            {
                ShouldHandle = args => ValueTask.FromResult(IsRetryable(args.Outcome, options.MaxDelay, args.Context.CancellationToken)),
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter),
                OnRetry = args =>
                {
                    logger.LogInformation("Provider {Provider}: attempt {Attempt} failed ({Reason}); retrying in {Delay}",
                        providerName, args.AttemptNumber + 1, Describe(args.Outcome), args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            });
        }
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<ProviderAnswer>
        {
            ShouldHandle = args => ValueTask.FromResult(IsRetryable(args.Outcome, TimeSpan.MaxValue, args.Context.CancellationToken)),
            FailureRatio = options.BreakerFailureRatio,
            MinimumThroughput = options.BreakerMinimumThroughput,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = options.BreakerBreakDuration,
            OnOpened = args =>
            {
                logger.LogWarning("Provider {Provider}: circuit opened for {Duration} ({Reason}); its channel fails over", providerName, args.BreakDuration, Describe(args.Outcome));
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                logger.LogInformation("Provider {Provider}: circuit closed", providerName);
                return ValueTask.CompletedTask;
            },
        });
        builder.AddRateLimiter(limiter);
        builder.AddTimeout(options.Timeout);
        return builder.Build();
    }

    /// <summary>
    /// Tokens per 100 ms (one token per 1/rate for slow providers); the bucket holds one period's tokens,
    /// so a burst never exceeds the rate over a tenth of a second. Sends queue for their token.
    /// </summary>
    public static TokenBucketRateLimiterOptions Bucket(double sendsPerSecond)
    {
        var (tokens, period) = sendsPerSecond >= 10
            ? ((int)Math.Max(1, Math.Round(sendsPerSecond / 10)), TimeSpan.FromMilliseconds(100))
            : (1, TimeSpan.FromSeconds(1 / sendsPerSecond));
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokens,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        };
    }

    /// <summary>Whether another attempt at this provider may succeed where this one did not.</summary>
    public static bool IsRetryable(Outcome<ProviderAnswer> outcome, TimeSpan maxDelay, CancellationToken callerToken)
    {
        if (outcome.Result is { } answer)
            return answer.Kind == AnswerKind.Transient && (answer.RetryAfter is null || answer.RetryAfter <= maxDelay);
        return outcome.Exception switch
        {
            BrokenCircuitException => false,
            TimeoutRejectedException or HttpRequestException or IOException or SocketException => true,
            OperationCanceledException => !callerToken.IsCancellationRequested,
            _ => false,
        };
    }

    private static string Describe(Outcome<ProviderAnswer> outcome) =>
        outcome.Result?.Reason ?? outcome.Exception?.GetType().Name ?? "accepted";
}
