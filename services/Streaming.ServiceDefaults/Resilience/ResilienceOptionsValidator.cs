using Streaming.ServiceDefaults.Options;

namespace Streaming.ServiceDefaults.Resilience;

/// <summary>Start-up validation of <see cref="ResilienceOptions"/>, with the ranges Polly accepts, naming the setting.</summary>
internal sealed class ResilienceOptionsValidator : SettingsValidator<ResilienceOptions>
{
    protected override IEnumerable<string> Failures(ResilienceOptions options) =>
        Check(nameof(ResilienceOptions.ClickHouseWrite), options.ClickHouseWrite)
            .Concat(Check(nameof(ResilienceOptions.RedisScript), options.RedisScript))
            .Concat(Check(nameof(ResilienceOptions.Http), options.Http));

    private static IEnumerable<string> Check(string pipeline, PipelineOptions? options)
    {
        var prefix = $"{ResilienceOptions.Section}:{pipeline}";
        if (options is null)
        {
            yield return $"{prefix} is missing; remove the empty section to take the defaults.";
            yield break;
        }
        if (options.MaxRetryAttempts is < 0 or > 100)
            yield return $"{prefix}:MaxRetryAttempts must be between 0 and 100 (got {options.MaxRetryAttempts}).";
        if (options.BaseDelay < TimeSpan.Zero || options.BaseDelay > options.MaxDelay)
            yield return $"{prefix}:BaseDelay must be between 00:00:00 and {prefix}:MaxDelay (got {options.BaseDelay} and {options.MaxDelay}).";
        if (options.MaxDelay > TimeSpan.FromMinutes(5))
            yield return $"{prefix}:MaxDelay must be at most 00:05:00 (got {options.MaxDelay}).";
        if (options.AttemptTimeout != TimeSpan.Zero && (options.AttemptTimeout < TimeSpan.FromMilliseconds(10) || options.AttemptTimeout > TimeSpan.FromHours(1)))
            yield return $"{prefix}:AttemptTimeout must be 00:00:00 (none) or between 00:00:00.010 and 01:00:00 (got {options.AttemptTimeout}).";
        if (!options.BreakerEnabled)
            yield break;
        if (options.BreakerFailureRatio is <= 0 or > 1)
            yield return $"{prefix}:BreakerFailureRatio must be above 0 and at most 1 (got {options.BreakerFailureRatio}).";
        if (options.BreakerMinimumThroughput < 2)
            yield return $"{prefix}:BreakerMinimumThroughput must be at least 2 (got {options.BreakerMinimumThroughput}).";
        if (options.BreakerSamplingDuration < TimeSpan.FromMilliseconds(500))
            yield return $"{prefix}:BreakerSamplingDuration must be at least 00:00:00.500 (got {options.BreakerSamplingDuration}).";
        if (options.BreakDuration < TimeSpan.FromMilliseconds(500))
            yield return $"{prefix}:BreakDuration must be at least 00:00:00.500 (got {options.BreakDuration}).";
    }
}
