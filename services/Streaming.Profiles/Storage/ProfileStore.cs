using System.Globalization;
using Polly;
using Polly.Registry;
using StackExchange.Redis;
using Streaming.Profiles.Model;
using Streaming.ServiceDefaults.Resilience;

namespace Streaming.Profiles.Storage;

/// <summary>A profile as loaded: its version (for the compare-and-set write) and its state.</summary>
public sealed record StoredProfile(string Tenant, long PersonId, long Version, ProfileState State)
{
    public RedisKey Key => ProfileStore.Key(Tenant, PersonId);
}

/// <summary>
/// A profile as loaded for a batch, still in <see cref="ProfileCodec"/> form: decoded only when its
/// turn comes, so a batch never holds all its profiles decoded at once (they would outlive
/// collections and be copied by the garbage collector).
/// </summary>
public sealed record EncodedProfile(string Tenant, long PersonId, long Version, byte[]? Data)
{
    public long? MergedInto => Data is null ? null : ProfileCodec.MergedInto(Data);

    public ProfileState Decode() => Data is null ? new ProfileState() : ProfileCodec.Decode(Data);

    public StoredProfile Decoded() => new(Tenant, PersonId, Version, Decode());
}

/// <summary>One compare-and-set of a batch write: the new state (encoded) if the version is still <see cref="Version"/>.</summary>
public sealed record ProfileWrite(long PersonId, long Version, byte[] State, IReadOnlyList<string> NewIdentifiers)
{
    /// <summary>
    /// The write of <paramref name="state"/> over <paramref name="loaded"/>. Identifiers are only ever
    /// appended (bounded), so the ones past <paramref name="knownIdentifiers"/> are the new ones to index.
    /// </summary>
    public static ProfileWrite Of(EncodedProfile loaded, ProfileState state, int knownIdentifiers) =>
        new(loaded.PersonId, loaded.Version, ProfileCodec.Encode(state), state.Identifiers[knownIdentifiers..]);
}

/// <summary>
/// Live profiles in Redis: one hash per person (<c>v</c> version, <c>d</c> the state in <see cref="ProfileCodec"/> form), keyed
/// <c>prof:{tenant}:personId</c>, plus an identifier index <c>pid:{tenant}:type:value</c>. Every
/// write is one compare-and-set script over all the profiles it touches, so an update, its fence
/// and the changes it caused are applied together or not at all. The tenant hash tag keeps a merge's
/// two profiles in one Redis Cluster slot (the price: one tenant lives on one shard).
/// What this instance writes in a batch is kept in <see cref="Cache"/>, so the next batch of the
/// same people need not load them again.
/// </summary>
public sealed partial class ProfileStore(IConnectionMultiplexer redis, ProfileCache cache, ResiliencePipelineProvider<string>? pipelines = null)
{
    // Retrying a script is safe: loads read, and a compare-and-set that ran but whose answer was
    // lost fails its version check the second time, so the caller reloads and finds its fence.
    private readonly ResiliencePipeline _scripts = (pipelines ?? ResiliencePipelines.CreateProvider(new ResilienceOptions())).GetPipeline(ResiliencePipelines.RedisScript);

    public ProfileStore(IConnectionMultiplexer redis) : this(redis, new ProfileCache(ProfileCache.DefaultCapacityBytes))
    {
    }

    public ProfileCache Cache => cache;

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

    // KEYS: profiles. Returns {v, d} per profile: one round trip for a whole batch.
    private const string LoadMany = """
        local out = {}
        for i = 1, #KEYS do
          out[i] = redis.call('HMGET', KEYS[i], 'v', 'd')
        end
        return out
        """;

    // Independent compare-and-sets in one call. Per write, KEYS: its profile, then its identifier
    // index keys; ARGV (after ARGV[1] = number of writes): expected version, state, number of index
    // keys, their person ids. Returns 1 (written) or 0 (changed since loaded) per write.
    private const string CompareAndSetMany = """
        local out = {}
        local k, a = 1, 2
        for w = 1, tonumber(ARGV[1]) do
          local n = tonumber(ARGV[a + 2])
          local v = redis.call('HGET', KEYS[k], 'v') or '0'
          if v == ARGV[a] then
            redis.call('HSET', KEYS[k], 'v', tostring(tonumber(ARGV[a]) + 1), 'd', ARGV[a + 1])
            for j = 1, n do
              redis.call('SET', KEYS[k + j], ARGV[a + 2 + j])
            end
            out[w] = 1
          else
            out[w] = 0
          end
          k = k + 1 + n
          a = a + 3 + n
        end
        return out
        """;

    private readonly IDatabase _db = redis.GetDatabase();

    private ValueTask<RedisResult> EvaluateAsync(string script, RedisKey[] keys, RedisValue[]? values = null) =>
        _scripts.ExecuteAsync(static async (state, _) => await state._db.ScriptEvaluateAsync(state.script, state.keys, state.values), (_db, script, keys, values));

    public static RedisKey Key(string tenant, long personId) => $"prof:{{{tenant}}}:{personId.ToString(CultureInfo.InvariantCulture)}";

    public static RedisKey IdentifierKey(string tenant, string identifier) => $"pid:{{{tenant}}}:{identifier}";

    public async Task<StoredProfile> LoadAsync(string tenant, long personId) =>
        (await LoadEncodedManyAsync(tenant, [personId]))[0].Decoded();

    /// <summary>Profiles of one tenant in one round trip, still encoded (absent ones: version 0, no data).</summary>
    public async Task<EncodedProfile[]> LoadEncodedManyAsync(string tenant, IReadOnlyList<long> personIds)
    {
        var keys = new RedisKey[personIds.Count];
        for (var i = 0; i < keys.Length; i++)
            keys[i] = Key(tenant, personIds[i]);
        var results = (RedisResult[])(await EvaluateAsync(LoadMany, keys))!;
        var profiles = new EncodedProfile[keys.Length];
        for (var i = 0; i < profiles.Length; i++)
        {
            var values = (RedisValue[])results[i]!;
            profiles[i] = values[0].IsNull || values[1].IsNull
                ? new EncodedProfile(tenant, personIds[i], 0, null)
                : new EncodedProfile(tenant, personIds[i], (long)values[0], (byte[])values[1]!);
        }
        return profiles;
    }

    /// <summary>
    /// Like <see cref="LoadCurrentAsync"/> for many people of one tenant: redirects are followed in
    /// further round trips. With <paramref name="cached"/>, profiles this instance wrote last come
    /// from <see cref="Cache"/> (only for a compare-and-set write: they may be stale).
    /// </summary>
    public async Task<EncodedProfile[]> LoadCurrentEncodedManyAsync(string tenant, IReadOnlyList<long> personIds, bool cached = false)
    {
        var profiles = cached ? await LoadCachedManyAsync(tenant, personIds) : await LoadEncodedManyAsync(tenant, personIds);
        for (var hop = 0; hop < MaxRedirects; hop++)
        {
            var redirected = new List<(int Index, long Survivor)>();
            for (var i = 0; i < profiles.Length; i++)
            {
                if (profiles[i].MergedInto is { } survivor)
                    redirected.Add((i, survivor));
            }
            if (redirected.Count == 0)
                break;
            var survivors = await LoadEncodedManyAsync(tenant, [.. redirected.Select(r => r.Survivor)]);
            for (var j = 0; j < redirected.Count; j++)
                profiles[redirected[j].Index] = survivors[j];
        }
        return profiles;
    }

    private async Task<EncodedProfile[]> LoadCachedManyAsync(string tenant, IReadOnlyList<long> personIds)
    {
        var found = cache.GetMany(tenant, personIds);
        var missing = new List<long>();
        foreach (var (profile, personId) in found.Zip(personIds))
        {
            if (profile is null)
                missing.Add(personId);
        }
        var loaded = missing.Count > 0 ? await LoadEncodedManyAsync(tenant, missing) : [];
        var profiles = new EncodedProfile[found.Length];
        for (int i = 0, next = 0; i < profiles.Length; i++)
            profiles[i] = found[i] ?? loaded[next++];
        return profiles;
    }

    /// <summary>The profile of a person, following merge redirects to the surviving person.</summary>
    public async Task<StoredProfile> LoadCurrentAsync(string tenant, long personId) =>
        (await LoadCurrentEncodedManyAsync(tenant, [personId]))[0].Decoded();

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
        var result = await EvaluateAsync(CompareAndSet, [.. keys], [.. args]);
        foreach (var (profile, _) in profiles)
            cache.Remove(profile.Tenant, profile.PersonId);
        return (int)result == 1;
    }

    /// <summary>
    /// Independent compare-and-sets of profiles of one tenant in one call: each profile is written,
    /// with its identifier index entries, only if its version is still the one it was loaded at.
    /// Per write: true when written, false for "reload and redo".
    /// </summary>
    public async Task<bool[]> TrySaveManyAsync(string tenant, IReadOnlyList<ProfileWrite> writes)
    {
        var keys = new List<RedisKey>(writes.Count);
        var args = new List<RedisValue>(3 * writes.Count + 1) { writes.Count };
        foreach (var write in writes)
        {
            keys.Add(Key(tenant, write.PersonId));
            args.Add(write.Version.ToString(CultureInfo.InvariantCulture));
            args.Add(write.State);
            args.Add(write.NewIdentifiers.Count);
            foreach (var identifier in write.NewIdentifiers)
            {
                keys.Add(IdentifierKey(tenant, identifier));
                args.Add(write.PersonId);
            }
        }
        var results = (RedisResult[])(await EvaluateAsync(CompareAndSetMany, [.. keys], [.. args]))!;
        var written = new bool[writes.Count];
        for (var i = 0; i < written.Length; i++)
        {
            written[i] = (int)results[i] == 1;
            if (written[i])
                cache.Set(new EncodedProfile(tenant, writes[i].PersonId, writes[i].Version + 1, writes[i].State));
            else
                cache.Remove(tenant, writes[i].PersonId);
        }
        return written;
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
