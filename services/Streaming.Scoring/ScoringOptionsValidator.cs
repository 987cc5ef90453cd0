using Microsoft.Extensions.Options;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Scoring;

/// <summary>What the data annotations of <see cref="ScoringOptions"/> cannot say: band order, and Redis for scores and timers.</summary>
internal sealed class ScoringOptionsValidator(IOptions<RedisOptions> redis) : IValidateOptions<ScoringOptions>
{
    public ValidateOptionsResult Validate(string? name, ScoringOptions options)
    {
        if (options.HighFrom <= options.MediumFrom)
            return ValidateOptionsResult.Fail($"Scoring:HighFrom ({options.HighFrom}) must be above Scoring:MediumFrom ({options.MediumFrom}), e.g. 75 and 50.");
        if (string.IsNullOrWhiteSpace(redis.Value.Configuration))
            return ValidateOptionsResult.Fail("The scoring service reads live profiles and keeps scores in Redis: set Redis:Configuration (env Redis__Configuration), e.g. 'redis:6379'.");
        return ValidateOptionsResult.Success;
    }
}
