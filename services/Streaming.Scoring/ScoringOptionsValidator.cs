using Microsoft.Extensions.Options;
using Streaming.Scoring.Training;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Scoring;

/// <summary>What the data annotations of <see cref="ScoringOptions"/> cannot say: band order, Redis for scores and timers, the retrain's cron and ClickHouse.</summary>
internal sealed class ScoringOptionsValidator(IOptions<RedisOptions> redis, IOptions<ClickHouseOptions> clickHouse) : SettingsValidator<ScoringOptions>
{
    protected override IEnumerable<string> Failures(ScoringOptions options)
    {
        if (options.HighFrom <= options.MediumFrom)
            yield return $"Scoring:HighFrom ({options.HighFrom}) must be above Scoring:MediumFrom ({options.MediumFrom}), e.g. 75 and 50.";
        if (RedisRequired(redis, "The scoring service reads live profiles and keeps scores") is { } missing)
            yield return missing;
        if (string.IsNullOrWhiteSpace(options.RetrainCron))
            yield break;
        if (!ScheduledRetrain.TryParse(options.RetrainCron, out _))
            yield return $"Scoring:RetrainCron ('{options.RetrainCron}') is not a cron expression: five fields in UTC, e.g. '0 3 */14 * *' (03:00 every 14th day); leave it empty to retrain only with the CLI.";
        if (string.IsNullOrWhiteSpace(clickHouse.Value.ConnectionString))
            yield return "Scoring:RetrainCron is set, so the scoring service trains on ClickHouse history: set ClickHouse:ConnectionString (env ClickHouse__ConnectionString).";
        if (!options.RetrainDatabase.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            yield return $"Scoring:RetrainDatabase ('{options.RetrainDatabase}') must be a plain identifier (letters, digits, '_'), e.g. streaming.";
    }
}
