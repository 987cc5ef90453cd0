using Microsoft.Extensions.Options;
using Streaming.Journeys.Engine;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Journeys;

/// <summary>What data annotations cannot say: caps and quiet hours parse, and instances live in Redis.</summary>
internal sealed class JourneysOptionsValidator(IOptions<RedisOptions> redis) : SettingsValidator<JourneysOptions>
{
    protected override IEnumerable<string> Failures(JourneysOptions options)
    {
        if (RedisRequired(redis, "The journeys service keeps instances") is { } missing)
            yield return missing;
        if (!FrequencyCap.TryParseAll(options.FrequencyCaps, out _, out var capError))
            yield return $"Journeys:FrequencyCaps {capError} (env Journeys__FrequencyCaps), e.g. \"2/24h, sms:1/day\".";
        foreach (var (tenant, caps) in options.TenantFrequencyCaps)
        {
            if (!FrequencyCap.TryParseAll(caps, out _, out var tenantError))
                yield return $"Journeys:TenantFrequencyCaps:{tenant} {tenantError} (env Journeys__TenantFrequencyCaps__{tenant}), e.g. \"2/24h, sms:1/day\".";
        }
        if (!TimeOnly.TryParseExact(options.QuietHoursFrom, "HH:mm", out _) || !TimeOnly.TryParseExact(options.QuietHoursTo, "HH:mm", out _))
            yield return "Journeys:QuietHoursFrom and Journeys:QuietHoursTo must be local times \"HH:mm\", e.g. 21:00 and 08:00 (env Journeys__QuietHoursFrom, Journeys__QuietHoursTo).";
    }
}
