using Streaming.Gateway.Ingestion;
using Streaming.Gateway.Sources;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Gateway.Pipeline;

/// <summary>Admits the request's events against its write key's rate; over it, 429 with Retry-After.</summary>
public sealed class ApplyRateLimitStep(RateLimiter limiter)
{
    public StepResult<Source> Run(Source source, ParsedBatch batch)
    {
        if (limiter.TryAdmit(source, batch.Events.Count, out var retryAfter))
            return StepResult.ContinueWith<Source>(source);
        return new IngestFailure(IngestFailureKind.RateLimited, "rate_limited",
            $"Source '{source.Id}' sends more events per second than its limit (source setting rateLimitEventsPerSecond, default Gateway:RateLimitEventsPerSecond). Retry after {retryAfter.TotalSeconds:0} s.")
        { RetryAfter = retryAfter }.Refusal();
    }
}
