using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Streaming.Gateway.Sources;

/// <summary>
/// Events per second per write key: a token bucket per source, in this gateway instance (N
/// instances admit up to N times the rate; the limit protects the instance, not a global quota).
/// </summary>
public sealed class RateLimiter(IOptions<GatewayOptions> options, TimeProvider time)
{
    private readonly GatewayOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>Takes <paramref name="events"/> tokens; when there are not enough, says how long to wait.</summary>
    public bool TryAdmit(Source source, int events, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        var rate = source.Settings.RateLimitEventsPerSecond ?? _options.RateLimitEventsPerSecond;
        if (rate <= 0 || events == 0)
            return true;
        // The burst scales with the rate: a source limited to 50/s must not inherit the default 200k burst.
        var burstSeconds = _options.RateLimitEventsPerSecond > 0 ? (double)_options.RateLimitBurstEvents / _options.RateLimitEventsPerSecond : 2;
        var burst = Math.Max(rate, rate * burstSeconds);
        var bucket = _buckets.GetOrAdd(source.Key, _ => new Bucket(burst, time.GetTimestamp()));
        lock (bucket)
        {
            var now = time.GetTimestamp();
            var elapsed = time.GetElapsedTime(bucket.Stamp, now).TotalSeconds;
            bucket.Tokens = Math.Min(burst, bucket.Tokens + elapsed * rate);
            bucket.Stamp = now;
            // A batch larger than the whole bucket is admitted when the bucket is full (the debt is paid
            // by waiting), otherwise it could never pass.
            if (bucket.Tokens >= events || bucket.Tokens >= burst)
            {
                bucket.Tokens -= events;
                return true;
            }
            retryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((Math.Min(events, burst) - bucket.Tokens) / rate)));
            return false;
        }
    }

    private sealed class Bucket(double tokens, long stamp)
    {
        public double Tokens { get; set; } = tokens;
        public long Stamp { get; set; } = stamp;
    }
}
