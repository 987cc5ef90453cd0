using System.Globalization;
using StackExchange.Redis;
using Streaming.Profiles.Model;

namespace Streaming.Profiles.Storage;

/// <summary>A profile as loaded: its version (for the compare-and-set write) and its state.</summary>
public sealed record StoredProfile(string Tenant, long PersonId, long Version, ProfileState State)
{
    public RedisKey Key => ProfileStore.Key(Tenant, PersonId);
}

/// <summary>
/// Live profiles in Redis: one hash per person (<c>v</c> version, <c>d</c> the state in <see cref="ProfileCodec"/> form), keyed
/// <c>prof:{tenant}:personId</c>, plus an identifier index <c>pid:{tenant}:type:value</c>. Every
/// write is one compare-and-set script over all the profiles it touches, so an update, its fence
/// and the changes it caused are applied together or not at all. The tenant hash tag keeps a merge's
/// two profiles in one Redis Cluster slot (the price: one tenant lives on one shard).
/// </summary>
public sealed partial class ProfileStore(IConnectionMultiplexer redis)
{
    private const int MaxRedirects = 8;

    // KEYS: n profiles, then identifier index keys. ARGV: n, n expected versions, n states ('' = delete), index values.
    private const string CompareAndSet = """
        local n = tonumber(ARGV[1])
        for i = 1, n do
          local v = redis.call('HGET', KEYS[i], 'v') or '0'
          if v ~= ARGV[1 + i] then return 0 end
        end
        for i = 1, n do
          local state = ARGV[1 + n + i]
          if state == '' then
            redis.call('DEL', KEYS[i])
          else
            redis.call('HSET', KEYS[i], 'v', tostring(tonumber(ARGV[1 + i]) + 1), 'd', state)
          end
        end
        for j = n + 1, #KEYS do
          redis.call('SET', KEYS[j], ARGV[1 + 2 * n + (j - n)])
        end
        return 1
        """;

    private readonly IDatabase _db = redis.GetDatabase();

    public static RedisKey Key(string tenant, long personId) => $"prof:{{{tenant}}}:{personId.ToString(CultureInfo.InvariantCulture)}";

    public static RedisKey IdentifierKey(string tenant, string identifier) => $"pid:{{{tenant}}}:{identifier}";

    public async Task<StoredProfile> LoadAsync(string tenant, long personId)
    {
        var values = await _db.HashGetAsync(Key(tenant, personId), ["v", "d"]);
        if (values[0].IsNull || values[1].IsNull)
            return new StoredProfile(tenant, personId, 0, new ProfileState());
        var state = ProfileCodec.Decode((byte[])values[1]!);
        return new StoredProfile(tenant, personId, (long)values[0], state);
    }

    /// <summary>The profile of a person, following merge redirects to the surviving person.</summary>
    public async Task<StoredProfile> LoadCurrentAsync(string tenant, long personId)
    {
        var profile = await LoadAsync(tenant, personId);
        for (var hop = 0; hop < MaxRedirects && profile.State.MergedInto is { } survivor; hop++)
            profile = await LoadAsync(tenant, survivor);
        return profile;
    }

    /// <summary>Writes the profiles if none changed since they were loaded; false means "reload and redo".</summary>
    public async Task<bool> TrySaveAsync(IReadOnlyList<(StoredProfile Profile, bool Delete)> profiles, IReadOnlyList<(string Tenant, string Identifier, long PersonId)> index)
    {
        var keys = new List<RedisKey>(profiles.Count + index.Count);
        var args = new List<RedisValue> { profiles.Count };
        keys.AddRange(profiles.Select(p => p.Profile.Key));
        args.AddRange(profiles.Select(p => (RedisValue)p.Profile.Version.ToString(CultureInfo.InvariantCulture)));
        args.AddRange(profiles.Select(p => p.Delete ? (RedisValue)"" : (RedisValue)ProfileCodec.Encode(p.Profile.State)));
        foreach (var (tenant, identifier, personId) in index)
        {
            keys.Add(IdentifierKey(tenant, identifier));
            args.Add(personId);
        }
        var result = await _db.ScriptEvaluateAsync(CompareAndSet, [.. keys], [.. args]);
        return (int)result == 1;
    }

    /// <summary>The person an identifier ("userId", "U1") belongs to, as last seen by this service.</summary>
    public async Task<long?> LookupAsync(string tenant, string type, string value)
    {
        var personId = await _db.StringGetAsync(IdentifierKey(tenant, $"{type}:{value}"));
        return personId.IsNull ? null : (long)personId;
    }

    /// <summary>Every person with a profile in the tenant (SCAN; for re-evaluation after a definition change).</summary>
    public async IAsyncEnumerable<long> PersonIdsAsync(string tenant)
    {
        var prefix = $"prof:{{{tenant}}}:";
        var pattern = GlobSpecial().Replace(prefix, @"\$0") + "*";
        foreach (var endpoint in redis.GetEndPoints())
        {
            var server = redis.GetServer(endpoint);
            if (server.IsReplica)
                continue;
            await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: 500))
            {
                if (long.TryParse(((string)key!)[prefix.Length..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var personId))
                    yield return personId;
            }
        }
    }

    /// <summary>Bytes Redis uses for a profile (MEMORY USAGE), for the benchmark.</summary>
    public async Task<long> MemoryUsageAsync(string tenant, long personId)
    {
        var result = await _db.ExecuteAsync("MEMORY", "USAGE", Key(tenant, personId), "SAMPLES", "0");
        return result.IsNull ? 0 : (long)result;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"[*?\[\]\\]")]
    private static partial System.Text.RegularExpressions.Regex GlobSpecial();
}
