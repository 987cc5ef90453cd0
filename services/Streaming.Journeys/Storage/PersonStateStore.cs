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

    /// <summary>
    /// The compare-and-set as one script (one round trip, atomic, and no connection held while a
    /// condition is checked, as a WATCH transaction would): the person's version (and the absorbed
    /// person's, for a merge) must be the one read; then the state, the pending outputs and the stat
    /// counters are written together. KEYS: state, pending, absorbed (or state again), stats...;
    /// ARGV: version, state, cause, pending ('' none), absorbed version ('' none), then field and delta per stats key.
    /// </summary>
    private const string SaveScript = """
        local function same(key, expected)
          local v = redis.call('HGET', key, 'v')
          if expected == 0 then return not v end
          return v and tonumber(v) == expected
        end
        local version = tonumber(ARGV[1])
        if not same(KEYS[1], version) then return 0 end
        if ARGV[5] ~= '' then
          if not same(KEYS[3], tonumber(ARGV[5])) then return 0 end
          redis.call('DEL', KEYS[3])
        end
        redis.call('HSET', KEYS[1], 'v', version + 1, 's', ARGV[2])
        if ARGV[4] ~= '' then redis.call('HSET', KEYS[2], ARGV[3], ARGV[4]) end
        local n = 6
        for i = 4, #KEYS do
          redis.call('HINCRBY', KEYS[i], ARGV[n], ARGV[n + 1])
          n = n + 2
        end
        return 1
        """;

    /// <summary>Writes the state if nobody wrote since <paramref name="version"/> was read; false means "read again and retry".</summary>
    public async Task<bool> TrySaveAsync(string tenant, long personId, PersonState state, long version,
        IReadOnlyDictionary<(string Journey, string Counter), long> stats, string cause, PendingOutputs? pending, (string Tenant, long PersonId, long Version)? absorbed = null)
    {
        var key = Key(tenant, personId);
        var keys = new List<RedisKey> { key, PendingKey(tenant, personId), absorbed is { } a ? Key(a.Tenant, a.PersonId) : key };
        var values = new List<RedisValue>
        {
            version,
            JsonSerializer.Serialize(state, Json),
            cause,
            pending is null ? "" : JsonSerializer.Serialize(pending, Json),
            absorbed is { } other ? other.Version : "",
        };
        foreach (var ((journey, counter), delta) in stats)
        {
            if (delta == 0)
                continue;
            keys.Add(StatsKey(tenant, journey));
            values.Add(counter);
            values.Add(delta);
        }
        return (long)await redis.GetDatabase().ScriptEvaluateAsync(SaveScript, [.. keys], [.. values]) == 1;
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

    /// <summary>Maps identifiers (<c>type:value</c>) to their persons, all in one write.</summary>
    public Task IndexAsync(IReadOnlyList<(string Tenant, string Identifier, long PersonId)> identifiers)
    {
        if (identifiers.Count == 0)
            return Task.CompletedTask;
        var batch = identifiers.Select(i => new KeyValuePair<RedisKey, RedisValue>(IdentifierKey(i.Tenant, i.Identifier), i.PersonId)).ToArray();
        return redis.GetDatabase().StringSetAsync(batch);
    }

    public async Task<long?> LookupAsync(string tenant, string type, string value)
    {
        var found = await redis.GetDatabase().StringGetAsync(IdentifierKey(tenant, $"{type}:{value}"));
        return found.IsNull ? null : (long)found;
    }
}
