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

    /// <summary>The last published scores of persons of one tenant, in one round trip (MGET), null where none.</summary>
    public async Task<PublishedScore?[]> GetManyAsync(string tenant, IReadOnlyList<long> personIds)
    {
        var keys = new RedisKey[personIds.Count];
        for (var i = 0; i < keys.Length; i++)
            keys[i] = Key(tenant, personIds[i]);
        var values = await redis.GetDatabase().StringGetAsync(keys);
        var scores = new PublishedScore?[values.Length];
        for (var i = 0; i < values.Length; i++)
            scores[i] = values[i].IsNullOrEmpty ? null : JsonSerializer.Deserialize<PublishedScore>((byte[])values[i]!, StreamingJson.Options);
        return scores;
    }

    /// <summary>Records published scores of one tenant in one round trip (MSET: one tenant's keys share a slot).</summary>
    public Task SetManyAsync(string tenant, IReadOnlyDictionary<long, PublishedScore> scores)
    {
        if (scores.Count == 0)
            return Task.CompletedTask;
        var pairs = new KeyValuePair<RedisKey, RedisValue>[scores.Count];
        var i = 0;
        foreach (var (personId, score) in scores)
            pairs[i++] = new(Key(tenant, personId), JsonSerializer.SerializeToUtf8Bytes(score, StreamingJson.Options));
        return redis.GetDatabase().StringSetAsync(pairs);
    }
}
