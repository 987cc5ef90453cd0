namespace Streaming.ServiceDefaults.Resilience;

/// <summary>
/// Section <c>Resilience</c>: one entry per named pipeline of <see cref="ResiliencePipelines"/>
/// (env <c>Resilience__ClickHouseWrite__MaxRetryAttempts</c> and so on). The defaults are what the
/// services run with; a setting out of range stops the service at start, naming the setting.
/// </summary>
public sealed class ResilienceOptions
{
    public const string Section = "Resilience";

    /// <summary><c>clickhouse-write</c>: a batch insert. Retrying is safe: the insert carries a deduplication token.</summary>
    public PipelineOptions ClickHouseWrite { get; set; } = new()
    {
        MaxRetryAttempts = 3,
        BaseDelay = TimeSpan.FromMilliseconds(200),
        MaxDelay = TimeSpan.FromSeconds(5),
        AttemptTimeout = TimeSpan.FromMinutes(2),
    };

    /// <summary>
    /// <c>redis-script</c>: a Lua script (identity's stitch, profiles' compare-and-set). Retrying is
    /// safe: the scripts are fenced by offset or compare versions. No attempt timeout: the client's
    /// own command timeout applies, and cancelling the wait would not stop the script on the server.
    /// </summary>
    public PipelineOptions RedisScript { get; set; } = new()
    {
        MaxRetryAttempts = 3,
        BaseDelay = TimeSpan.FromMilliseconds(100),
        MaxDelay = TimeSpan.FromSeconds(2),
        AttemptTimeout = TimeSpan.Zero,
    };

    /// <summary>
    /// <c>http</c>: a call to one of our HTTP APIs (the CLI's posts to the gateway). 429 and 503
    /// wait as long as the answer's Retry-After says.
    /// </summary>
    public PipelineOptions Http { get; set; } = new()
    {
        MaxRetryAttempts = 29,
        BaseDelay = TimeSpan.FromMilliseconds(200),
        MaxDelay = TimeSpan.FromSeconds(5),
        AttemptTimeout = TimeSpan.FromSeconds(100),
        // One sequential caller: a breaker would only turn a wait into a failure.
        BreakerEnabled = false,
    };
}

/// <summary>Retry, then circuit breaker, then per-attempt timeout, outermost first.</summary>
public sealed class PipelineOptions
{
    /// <summary>Retries after the first attempt; 0 turns retrying off.</summary>
    public int MaxRetryAttempts { get; set; }

    /// <summary>First retry's delay; it doubles (with jitter) up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; set; }

    public TimeSpan MaxDelay { get; set; }

    /// <summary>How long one attempt may take before it is abandoned and counts as a failure; zero for none.</summary>
    public TimeSpan AttemptTimeout { get; set; }

    public bool BreakerEnabled { get; set; } = true;

    /// <summary>Share of failed attempts within <see cref="BreakerSamplingDuration"/> that opens the circuit.</summary>
    public double BreakerFailureRatio { get; set; } = 0.9;

    /// <summary>Attempts within the sampling window before the ratio counts, so one failure never opens it.</summary>
    public int BreakerMinimumThroughput { get; set; } = 20;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit fails calls at once before one trial call is let through.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
