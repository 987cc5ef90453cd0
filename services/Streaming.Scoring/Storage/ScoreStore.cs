using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;
using Streaming.Contracts.Records;
using Streaming.ServiceDefaults;

namespace Streaming.Scoring.Storage;

/// <summary>
/// The last score published for a person, with the cause that published it and the changes it
/// sent: a redelivered cause re-sends the same changes (same ids) instead of nothing, so a crash
/// between writing here and Kafka acknowledging the changes loses no change.
/// </summary>
public sealed record PublishedScore(int Score, string Band, string ModelId, long At, string Cause, IReadOnlyList<ProfileChange> Changes);

/// <summary>Published scores in Redis, key <c>score:{tenant}:&lt;personId&gt;</c> (the tenant hash tag, as profiles).</summary>
public sealed class ScoreStore(IConnectionMultiplexer redis)
{
    public static RedisKey Key(string tenant, long personId) => $"score:{{{tenant}}}:{personId.ToString(CultureInfo.InvariantCulture)}";

    public async Task<PublishedScore?> GetAsync(string tenant, long personId)
    {
        var value = await redis.GetDatabase().StringGetAsync(Key(tenant, personId));
        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<PublishedScore>(value.ToString(), StreamingJson.Options);
    }

    public Task SetAsync(string tenant, long personId, PublishedScore score) =>
        redis.GetDatabase().StringSetAsync(Key(tenant, personId), JsonSerializer.Serialize(score, StreamingJson.Options));
}
