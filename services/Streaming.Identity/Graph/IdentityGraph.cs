using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Polly;
using Polly.Registry;
using StackExchange.Redis;
using Streaming.Identity.Rules;
using Streaming.ServiceDefaults.Resilience;

namespace Streaming.Identity.Graph;

/// <summary>
/// The identity graph of every tenant, in Redis. Stitching runs as one Lua script per batch of a
/// tenant's events (<c>Graph/stitch.lua</c>), so resolving, merging and the dedup fence are one
/// atomic step and two partitions racing on the same identifiers cannot split or double a person.
/// </summary>
public sealed class IdentityGraph
{
    private static readonly string Script = LoadScript("identity/stitch.lua");

    private readonly IConnectionMultiplexer _redis;
    private readonly int _dedupBuckets;
    private readonly ResiliencePipeline _scripts;
    private long _scriptCalls;

    /// <param name="pipelines">Where the <c>redis-script</c> pipeline comes from; the defaults when null. A retried stitch is harmless: the dedup fence drops what already ran.</param>
    public IdentityGraph(IConnectionMultiplexer redis, int dedupBuckets, ResiliencePipelineProvider<string>? pipelines = null)
    {
        _redis = redis;
        _dedupBuckets = dedupBuckets;
        _scripts = (pipelines ?? ResiliencePipelines.CreateProvider(new ResilienceOptions())).GetPipeline(ResiliencePipelines.RedisScript);
    }

    /// <summary>Stitch script calls made by this instance (Redis round trips for stitching).</summary>
    public long ScriptCalls => Interlocked.Read(ref _scriptCalls);

    /// <summary>Stitches <paramref name="events"/> of one tenant, in order, in one script call (one round trip).</summary>
    public async Task<IReadOnlyList<StitchResult>> StitchAsync(string tenant, IdentityRules rules, IReadOnlyList<StitchRequest> events)
    {
        if (events.Count == 0)
            return [];
        var args = new RedisValue[3 + rules.Limits.Count * 2];
        args[0] = (long)rules.DedupWindow.TotalMilliseconds;
        args[1] = rules.Limits.Count;
        var a = 2;
        foreach (var limit in rules.Limits)
        {
            args[a++] = limit.Type;
            args[a++] = limit.Max;
        }
        args[a] = StitchArguments.Encode(tenant, rules, events, _dedupBuckets);

        Interlocked.Increment(ref _scriptCalls);
        var result = await _scripts.ExecuteAsync(
            static async (state, _) => await state.Database.ScriptEvaluateAsync(Script, [state.Key], state.args),
            (Database: _redis.GetDatabase(), Key: GraphKeys.Sequence(tenant), args));
        var lines = (RedisResult[])result!;
        if (lines.Length != events.Count)
            throw new InvalidOperationException($"The stitch script answered {lines.Length} results for {events.Count} events.");
        var results = new StitchResult[lines.Length];
        for (var i = 0; i < lines.Length; i++)
            results[i] = Parse(((string?)lines[i]).AsSpan());
        return results;
    }

    /// <summary>The live person an identifier belongs to, or null when nobody carries it.</summary>
    public async Task<long?> LookupAsync(string tenant, string type, string value)
    {
        var person = await _redis.GetDatabase().StringGetAsync(GraphKeys.Identifier(tenant, type, value));
        return person.HasValue ? (long)person : null;
    }

    /// <summary>
    /// The type each alias previousId of <paramref name="values"/> was linked as: the stitch script
    /// links it as a userId when a userId with that value exists, else as an anonymousId; null when
    /// neither is linked (refused). One MGET for all of them (one round trip per batch, not per alias).
    /// </summary>
    public async Task<string?[]> PreviousIdTypesAsync(string tenant, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
            return [];
        var keys = new RedisKey[values.Count * 2];
        for (var i = 0; i < values.Count; i++)
        {
            keys[2 * i] = GraphKeys.Identifier(tenant, IdentifierTypes.UserId, values[i]);
            keys[2 * i + 1] = GraphKeys.Identifier(tenant, IdentifierTypes.AnonymousId, values[i]);
        }
        var found = await _redis.GetDatabase().StringGetAsync(keys);
        var types = new string?[values.Count];
        for (var i = 0; i < values.Count; i++)
            types[i] = found[2 * i].HasValue ? IdentifierTypes.UserId : found[2 * i + 1].HasValue ? IdentifierTypes.AnonymousId : null;
        return types;
    }

    /// <summary>
    /// A person as stored, following the redirect of an absorbed person to its survivor; null
    /// when the id was never issued.
    /// </summary>
    public async Task<PersonRecord?> ReadPersonAsync(string tenant, long personId)
    {
        var db = _redis.GetDatabase();
        var live = personId;
        var redirect = await db.StringGetAsync(GraphKeys.Redirect(tenant, personId));
        if (redirect.HasValue)
            live = (long)redirect;
        var fieldsTask = db.HashGetAllAsync(GraphKeys.Person(tenant, live));
        var historyTask = db.ListRangeAsync(GraphKeys.History(tenant, live));
        var fields = await fieldsTask;
        if (fields.Length == 0)
            return null;
        var history = await historyTask;

        long createdAt = 0;
        string? createdBy = null;
        var first = new Dictionary<string, (long At, string Source)>();
        var last = new Dictionary<string, long>();
        var absorbed = new List<AbsorbedPerson>();
        foreach (var entry in fields)
        {
            var name = (string)entry.Name!;
            var value = (string)entry.Value!;
            switch (name)
            {
                case "c":
                    createdAt = ParseLong(value);
                    break;
                case "cm":
                    createdBy = value;
                    break;
                default:
                    if (name.StartsWith("f:", StringComparison.Ordinal))
                    {
                        var bar = value.IndexOf('|', StringComparison.Ordinal);
                        first[name[2..]] = bar < 0 ? (ParseLong(value), "") : (ParseLong(value[..bar]), value[(bar + 1)..]);
                    }
                    else if (name.StartsWith("l:", StringComparison.Ordinal))
                    {
                        last[name[2..]] = ParseLong(value);
                    }
                    else if (name.StartsWith("a:", StringComparison.Ordinal))
                    {
                        absorbed.Add(new AbsorbedPerson(ParseLong(name[2..]), ParseLong(value)));
                    }

                    break;
            }
        }
        var identifiers = first
            .Select(kv =>
            {
                var colon = kv.Key.IndexOf(':', StringComparison.Ordinal);
                return new PersonIdentifier(kv.Key[..colon], kv.Key[(colon + 1)..], kv.Value.At, last.GetValueOrDefault(kv.Key, kv.Value.At), kv.Value.Source);
            })
            .OrderBy(i => i.Type, StringComparer.Ordinal).ThenBy(i => i.Value, StringComparer.Ordinal)
            .ToList();
        var merges = history.Select(h => JsonSerializer.Deserialize<MergeRecord>((string)h!)!).ToList();
        return new PersonRecord(live, personId, createdAt, createdBy, identifiers, [.. absorbed.OrderBy(a => a.PersonId)], merges);
    }

    private static StitchResult Parse(ReadOnlySpan<char> line)
    {
        var status = line.IsEmpty ? '?' : line[0];
        var kind = status switch
        {
            'N' => StitchStatus.Stitched,
            'R' => StitchStatus.Replayed,
            'D' => StitchStatus.Duplicate,
            _ => throw new InvalidOperationException($"Unexpected stitch result '{line}'."),
        };
        var bar = line.IndexOf('|');
        var person = long.Parse(bar < 0 ? line[1..] : line[1..bar], NumberStyles.Integer, CultureInfo.InvariantCulture);
        IReadOnlyList<MergeRecord> merges = bar < 0 ? [] : JsonSerializer.Deserialize<List<MergeRecord>>(line[(bar + 1)..])!;
        return new StitchResult(kind, person, merges);
    }

    private static long ParseLong(string value) => long.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static string LoadScript(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>An identifier a person carries: when and where it was first seen, and when last.</summary>
public sealed record PersonIdentifier(string Type, string Value, long FirstSeen, long LastSeen, string Source);

public sealed record AbsorbedPerson(long PersonId, long MergedAt);

/// <summary>A person as the graph holds it. <see cref="RequestedPersonId"/> differs from <see cref="PersonId"/> when the requested one was absorbed.</summary>
public sealed record PersonRecord(
    long PersonId,
    long RequestedPersonId,
    long CreatedAt,
    string? CreatedByMessageId,
    IReadOnlyList<PersonIdentifier> Identifiers,
    IReadOnlyList<AbsorbedPerson> Absorbed,
    IReadOnlyList<MergeRecord> Merges);
