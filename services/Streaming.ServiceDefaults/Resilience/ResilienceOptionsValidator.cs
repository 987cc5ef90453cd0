using Microsoft.Extensions.Options;

namespace Streaming.ServiceDefaults.Resilience;

/// <summary>Start-up validation of <see cref="ResilienceOptions"/>, with the ranges Polly accepts, naming the setting.</summary>
internal sealed class ResilienceOptionsValidator : IValidateOptions<ResilienceOptions>
{
    public ValidateOptionsResult Validate(string? name, ResilienceOptions options)
    {
        var failures = new List<string>();
        Check(failures, nameof(ResilienceOptions.ClickHouseWrite), options.ClickHouseWrite);
        Check(failures, nameof(ResilienceOptions.RedisScript), options.RedisScript);
        Check(failures, nameof(ResilienceOptions.Http), options.Http);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string pipeline, PipelineOptions? options)
    {
        var prefix = $"{ResilienceOptions.Section}:{pipeline}";
        if (options is null)
        {
            failures.Add($"{prefix} is missing; remove the empty section to take the defaults.");
            return;
        }
        if (options.MaxRetryAttempts is < 0 or > 100)
            failures.Add($"{prefix}:MaxRetryAttempts must be between 0 and 100 (got {options.MaxRetryAttempts}).");
        if (options.BaseDelay < TimeSpan.Zero || options.BaseDelay > options.MaxDelay)
            failures.Add($"{prefix}:BaseDelay must be between 00:00:00 and {prefix}:MaxDelay (got {options.BaseDelay} and {options.MaxDelay}).");
        if (options.MaxDelay > TimeSpan.FromMinutes(5))
            failures.Add($"{prefix}:MaxDelay must be at most 00:05:00 (got {options.MaxDelay}).");
        if (options.AttemptTimeout != TimeSpan.Zero && (options.AttemptTimeout < TimeSpan.FromMilliseconds(10) || options.AttemptTimeout > TimeSpan.FromHours(1)))
            failures.Add($"{prefix}:AttemptTimeout must be 00:00:00 (none) or between 00:00:00.010 and 01:00:00 (got {options.AttemptTimeout}).");
        if (!options.BreakerEnabled)
            return;
        if (options.BreakerFailureRatio is <= 0 or > 1)
            failures.Add($"{prefix}:BreakerFailureRatio must be above 0 and at most 1 (got {options.BreakerFailureRatio}).");
        if (options.BreakerMinimumThroughput < 2)
            failures.Add($"{prefix}:BreakerMinimumThroughput must be at least 2 (got {options.BreakerMinimumThroughput}).");
        if (options.BreakerSamplingDuration < TimeSpan.FromMilliseconds(500))
            failures.Add($"{prefix}:BreakerSamplingDuration must be at least 00:00:00.500 (got {options.BreakerSamplingDuration}).");
        if (options.BreakDuration < TimeSpan.FromMilliseconds(500))
            failures.Add($"{prefix}:BreakDuration must be at least 00:00:00.500 (got {options.BreakDuration}).");
    }
}
