using Microsoft.Extensions.Options;
using Streaming.Journeys.Engine;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Journeys;

/// <summary>What data annotations cannot say: caps and quiet hours parse, and instances live in Redis.</summary>
internal sealed class JourneysOptionsValidator(IOptions<RedisOptions> redis) : IValidateOptions<JourneysOptions>
{
    public ValidateOptionsResult Validate(string? name, JourneysOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(redis.Value.Configuration))
            failures.Add("The journeys service keeps instances in Redis: set Redis:Configuration (env Redis__Configuration), e.g. 'redis:6379'.");
        if (!FrequencyCap.TryParseAll(options.FrequencyCaps, out _, out var capError))
            failures.Add($"Journeys:FrequencyCaps {capError} (env Journeys__FrequencyCaps), e.g. \"2/24h, sms:1/day\".");
        failures.AddRange(options.TenantFrequencyCaps.Select(c => FrequencyCap.TryParseAll(c.Value, out _, out var e) ? null : $"Journeys:TenantFrequencyCaps:{c.Key} {e} (env Journeys__TenantFrequencyCaps__{c.Key}), e.g. \"2/24h, sms:1/day\".").OfType<string>());
        if (!TimeOnly.TryParseExact(options.QuietHoursFrom, "HH:mm", out _) || !TimeOnly.TryParseExact(options.QuietHoursTo, "HH:mm", out _))
            failures.Add("Journeys:QuietHoursFrom and Journeys:QuietHoursTo must be local times \"HH:mm\", e.g. 21:00 and 08:00 (env Journeys__QuietHoursFrom, Journeys__QuietHoursTo).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
