using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;
using Streaming.Journeys.Model;

namespace Streaming.Journeys.Storage;

/// <summary>
/// Persons' journey state in Redis: a hash per person (<c>journeys:person:&lt;tenant&gt;:&lt;personId&gt;</c>,
/// fields <c>v</c> the version and <c>s</c> the JSON), written by compare-and-set on the version in one
/// transaction with the journeys' stat counters (<c>journeys:stats:&lt;tenant&gt;:&lt;journeyId&gt;</c>), so
/// counters move exactly when the state does. Identifiers seen on events map to persons
/// (<c>journeys:id:&lt;tenant&gt;:&lt;type&gt;:&lt;value&gt;</c>) for the instances API.
/// </summary>
public sealed class PersonStateStore(IConnectionMultiplexer redis)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Key(string tenant, long personId) => string.Create(CultureInfo.InvariantCulture, $"journeys:person:{tenant}:{personId}");

    public static string StatsKey(string tenant, string journeyId) => $"journeys:stats:{tenant}:{journeyId}";

    /// <summary>Outputs written with the state and not yet acknowledged by the broker, by cause.</summary>
    public static string PendingKey(string tenant, long personId) => string.Create(CultureInfo.InvariantCulture, $"journeys:pending:{tenant}:{personId}");

    public static string IdentifierKey(string tenant, string typeAndValue) => $"journeys:id:{tenant}:{typeAndValue}";

    public async Task<(PersonState State, long Version)> LoadAsync(string tenant, long personId)
    {
        var values = await redis.GetDatabase().HashGetAsync(Key(tenant, personId), ["v", "s"]);
        if (values[0].IsNull || values[1].IsNull)
            return (new PersonState(), 0);
        return (JsonSerializer.Deserialize<PersonState>((string)values[1]!, Json) ?? new PersonState(), (long)values[0]);
    }

    /// <summary>Writes the state if nobody wrote since <paramref name="version"/> was read; false means "read again and retry".</summary>
    public async Task<bool> TrySaveAsync(string tenant, long personId, PersonState state, long version,
        IReadOnlyDictionary<(string Journey, string Counter), long> stats, string cause, PendingOutputs? pending, (string Tenant, long PersonId, long Version)? absorbed = null)
    {
        var db = redis.GetDatabase();
        var key = Key(tenant, personId);
        var transaction = db.CreateTransaction();
        transaction.AddCondition(version == 0 ? Condition.HashNotExists(key, "v") : Condition.HashEqual(key, "v", version));
        _ = transaction.HashSetAsync(key, [new HashEntry("v", version + 1), new HashEntry("s", JsonSerializer.Serialize(state, Json))]);
        if (pending is not null)
            _ = transaction.HashSetAsync(PendingKey(tenant, personId), cause, JsonSerializer.Serialize(pending, Json));
        if (absorbed is { } other)
        {
            var otherKey = Key(other.Tenant, other.PersonId);
            transaction.AddCondition(other.Version == 0 ? Condition.HashNotExists(otherKey, "v") : Condition.HashEqual(otherKey, "v", other.Version));
            _ = transaction.KeyDeleteAsync(otherKey);
        }
        foreach (var ((journey, counter), delta) in stats)
        {
            if (delta != 0)
                _ = transaction.HashIncrementAsync(StatsKey(tenant, journey), counter, delta);
        }
        return await transaction.ExecuteAsync();
    }

    /// <summary>The outputs of <paramref name="cause"/> still waiting for their acknowledgement, if any.</summary>
    public async Task<PendingOutputs?> PendingAsync(string tenant, long personId, string cause)
    {
        var value = await redis.GetDatabase().HashGetAsync(PendingKey(tenant, personId), cause);
        return value.IsNull ? null : JsonSerializer.Deserialize<PendingOutputs>((string)value!, Json);
    }

    /// <summary>The broker acknowledged these outputs: an input applied again finds nothing to send.</summary>
    public Task AcknowledgeAsync(IReadOnlyList<(string Tenant, long PersonId, string Cause)> acknowledged)
    {
        var db = redis.GetDatabase();
        return Task.WhenAll(acknowledged.Select(a => db.HashDeleteAsync(PendingKey(a.Tenant, a.PersonId), a.Cause)));
    }

    public async Task<IReadOnlyDictionary<string, long>> StatsAsync(string tenant, string journeyId)
    {
        var entries = await redis.GetDatabase().HashGetAllAsync(StatsKey(tenant, journeyId));
        return entries.ToDictionary(e => (string)e.Name!, e => (long)e.Value);
    }

    public Task IndexAsync(string tenant, IReadOnlyList<string> identifiers, long personId)
    {
        if (identifiers.Count == 0)
            return Task.CompletedTask;
        var batch = identifiers.Select(i => new KeyValuePair<RedisKey, RedisValue>(IdentifierKey(tenant, i), personId)).ToArray();
        return redis.GetDatabase().StringSetAsync(batch);
    }

    public async Task<long?> LookupAsync(string tenant, string type, string value)
    {
        var found = await redis.GetDatabase().StringGetAsync(IdentifierKey(tenant, $"{type}:{value}"));
        return found.IsNull ? null : (long)found;
    }
}
