using Microsoft.Extensions.Options;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Scoring;

/// <summary>What the data annotations of <see cref="ScoringOptions"/> cannot say: band order, and Redis for scores and timers.</summary>
internal sealed class ScoringOptionsValidator(IOptions<RedisOptions> redis) : SettingsValidator<ScoringOptions>
{
    protected override IEnumerable<string> Failures(ScoringOptions options)
    {
        if (options.HighFrom <= options.MediumFrom)
            yield return $"Scoring:HighFrom ({options.HighFrom}) must be above Scoring:MediumFrom ({options.MediumFrom}), e.g. 75 and 50.";
        if (RedisRequired(redis, "The scoring service reads live profiles and keeps scores") is { } missing)
            yield return missing;
    }
}
