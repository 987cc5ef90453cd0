using Microsoft.Extensions.Options;
using Streaming.Scoring.Training;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Scoring;

/// <summary>What the data annotations of <see cref="ScoringOptions"/> cannot say: band order, Redis for scores and timers, the retrain's cron and ClickHouse.</summary>
internal sealed class ScoringOptionsValidator(IOptions<RedisOptions> redis, IOptions<ClickHouseOptions> clickHouse) : IValidateOptions<ScoringOptions>
{
    public ValidateOptionsResult Validate(string? name, ScoringOptions options)
    {
        if (options.HighFrom <= options.MediumFrom)
            return ValidateOptionsResult.Fail($"Scoring:HighFrom ({options.HighFrom}) must be above Scoring:MediumFrom ({options.MediumFrom}), e.g. 75 and 50.");
        if (string.IsNullOrWhiteSpace(redis.Value.Configuration))
            return ValidateOptionsResult.Fail("The scoring service reads live profiles and keeps scores in Redis: set Redis:Configuration (env Redis__Configuration), e.g. 'redis:6379'.");
        if (!string.IsNullOrWhiteSpace(options.RetrainCron))
        {
            if (!ScheduledRetrain.TryParse(options.RetrainCron, out _))
                return ValidateOptionsResult.Fail($"Scoring:RetrainCron ('{options.RetrainCron}') is not a cron expression: five fields in UTC, e.g. '0 3 */14 * *' (03:00 every 14th day); leave it empty to retrain only with the CLI.");
            if (string.IsNullOrWhiteSpace(clickHouse.Value.ConnectionString))
                return ValidateOptionsResult.Fail("Scoring:RetrainCron is set, so the scoring service trains on ClickHouse history: set ClickHouse:ConnectionString (env ClickHouse__ConnectionString).");
            if (!options.RetrainDatabase.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                return ValidateOptionsResult.Fail($"Scoring:RetrainDatabase ('{options.RetrainDatabase}') must be a plain identifier (letters, digits, '_'), e.g. streaming.");
        }
        return ValidateOptionsResult.Success;
    }
}
