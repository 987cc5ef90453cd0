using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Streaming.Contracts.Identifiers;
using Streaming.Gateway.Ingestion;

namespace Streaming.Gateway.Enrichment;

/// <summary>
/// Finds PII in an event's objects and replaces it by <c>HMAC-SHA256(tenantKey, normalised value)</c>
/// in lower-case hex, where tenantKey = HMAC-SHA256(Gateway:PiiSalt, tenant): equal values give equal
/// hashes within a tenant (so they still join people), differ across tenants, and cannot be reversed
/// without the salt. What counts as PII: members named like an e-mail or a phone (<see cref="PiiNames"/>),
/// any string that is an e-mail address, a phone number in a free-text member (<c>name</c>, <c>login</c>...)
/// and the configured paths. Placeholder values (<see cref="Placeholders"/>: "undefined", "test@test.com",
/// a phone of "0") are removed and not hashed: their hash would link strangers.
/// </summary>
public sealed class PiiHasher
{
    /// <summary>Objects nested deeper than this below traits, properties or context are not searched by name (configured paths still reach them).</summary>
    public const int MaxDepth = 4;

    private readonly byte[] _salt;
    private readonly ConcurrentDictionary<string, byte[]> _tenantKeys = new(StringComparer.Ordinal);

    public PiiHasher(IOptions<GatewayOptions> options)
    {
        _salt = Encoding.UTF8.GetBytes(options.Value.PiiSalt);
        Fields = [.. options.Value.PiiFields.Select(f => PiiField.TryParse(f, out var field) ? field : throw new ArgumentException($"Bad PII field '{f}'."))];
    }

    /// <summary>The service-wide configured paths (Gateway:PiiFields), on top of the names found by spelling.</summary>
    public IReadOnlyList<PiiField> Fields { get; }

    /// <summary>A placeholder found where PII belongs: removed, not hashed.</summary>
    public delegate void JunkFound(string field, string reason);

    /// <summary>
    /// Hashes the PII of one of an event's objects (<paramref name="root"/>: traits, properties or context),
    /// changing <paramref name="target"/> in place; <paramref name="extra"/> are the source's own paths.
    /// </summary>
    public bool HashObject(string tenant, string root, JsonObjectDraft target, IReadOnlyList<PiiField> extra, JunkFound? junk)
    {
        var paths = RelativePaths(root, extra);
        return Walk(tenant, target, root, paths, 0, apply: true, junk, root == "context");
    }

    /// <summary>Would <see cref="HashObject"/> change this object? (Nothing is allocated for the answer but the walk.)</summary>
    public bool Holds(string root, JsonElement original, IReadOnlyList<PiiField> extra) =>
        original.ValueKind == JsonValueKind.Object
        && Walk("", new JsonObjectDraft(original), root, RelativePaths(root, extra), 0, apply: false, null, root == "context");

    private List<string[]> RelativePaths(string root, IReadOnlyList<PiiField> extra)
    {
        var paths = new List<string[]>();
        foreach (var field in Fields.Concat(extra))
        {
            if (field.Root == root)
                paths.Add([.. field.Segments]);
            else if (root == "context" && field.Root == "traits")
                paths.Add(["traits", .. field.Segments]);
        }
        return paths;
    }

    private readonly record struct Hit(string Name, string Path, JsonElement Value, PiiKind Kind, bool ByName);

    private bool Walk(string tenant, JsonObjectDraft target, string location, List<string[]> paths, int depth, bool apply, JunkFound? junk, bool isContext)
    {
        List<Hit>? hits = null;
        List<(string Name, JsonElement Value, List<string[]> Paths)>? children = null;
        foreach (var member in target.OriginalMembers())
        {
            // A name that is not valid Unicode only reaches here in a rejected event's raw payload.
            if (!JsonText.TryGetName(member, out var name))
                continue;
            var value = member.Value;
            var kind = PiiNames.Classify(name);
            switch (value.ValueKind)
            {
                case JsonValueKind.String or JsonValueKind.Number:
                    var configured = paths.Exists(p => p.Length == 1 && PiiNames.SameName(p[0], name));
                    if (kind is PiiKind.Email or PiiKind.Phone)
                        (hits ??= []).Add(new Hit(name, location + "." + name, value, kind, true));
                    else if (value.ValueKind == JsonValueKind.String && JsonText.TryGetString(value, out var text) && LooksLike(text, kind) is { } found)
                        (hits ??= []).Add(new Hit(name, location + "." + name, value, found, false));
                    else if (configured)
                        (hits ??= []).Add(new Hit(name, location + "." + name, value, PiiKind.None, false));
                    break;
                case JsonValueKind.Array when kind is PiiKind.Email or PiiKind.Phone || paths.Exists(p => p.Length == 1 && PiiNames.SameName(p[0], name)):
                    (hits ??= []).Add(new Hit(name, location + "." + name, value, kind, kind != PiiKind.None));
                    break;
                case JsonValueKind.Object when depth < MaxDepth || paths.Exists(p => p.Length > 1):
                    var below = paths.Where(p => p.Length > 1 && PiiNames.SameName(p[0], name)).Select(p => p[1..]).ToList();
                    var always = isContext && depth == 0 && name == "traits";
                    if (below.Count == 0 && (depth >= MaxDepth || (!always && !PiiNames.MayHold(JsonMarshal.GetRawUtf8Value(value)))))
                        break;
                    if (!Walk(tenant, new JsonObjectDraft(value), location + "." + name, below, depth + 1, apply: false, null, false))
                        break;
                    if (!apply)
                        return true;
                    (children ??= []).Add((name, value, below));
                    break;
            }
        }
        if (hits is null && children is null)
            return false;
        if (!apply)
            return true;
        foreach (var (name, _, below) in children ?? [])
            Walk(tenant, target.Child(name), location + "." + name, below, depth + 1, apply: true, junk, false);
        if (hits is not null)
            Apply(tenant, target, hits, junk);
        return true;
    }

    private static PiiKind? LooksLike(string text, PiiKind nameKind)
    {
        if (PiiValues.LooksLikeEmail(text))
            return PiiKind.Email;
        if (nameKind == PiiKind.FreeText && PiiValues.LooksLikePhone(text))
            return PiiKind.Phone;
        return null;
    }

    private void Apply(string tenant, JsonObjectDraft target, List<Hit> hits, JunkFound? junk)
    {
        // One member of each kind gets the name identity reads (email_hash, phone_hash): the one spelled
        // exactly 'email'/'phone' (any case or separators), else the first; the others keep their own name.
        var canonical = new Dictionary<PiiKind, string>();
        foreach (var kind in new[] { PiiKind.Email, PiiKind.Phone })
        {
            var word = kind == PiiKind.Email ? "email" : "phone";
            var byName = hits.Where(h => h.ByName && h.Kind == kind).ToList();
            if (byName.Count > 0)
            {
                var exact = byName.FindIndex(h => PiiNames.Is(h.Name, word));
                canonical[kind] = byName[Math.Max(exact, 0)].Name;
            }
        }
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var hit in hits)
        {
            target.Remove(hit.Name);
            var hashName = canonical.TryGetValue(hit.Kind, out var chosen) && chosen == hit.Name
                ? (hit.Kind == PiiKind.Email ? "email_hash" : "phone_hash")
                : hit.Name + "_hash";
            while (!used.Add(hashName))
                hashName += "_";
            if (hit.Value.ValueKind == JsonValueKind.Array)
            {
                var hashes = new List<string>();
                foreach (var item in hit.Value.EnumerateArray())
                {
                    if (HashValue(tenant, item, hit.Kind, hit.Path, junk) is { } hash)
                        hashes.Add(hash);
                }
                target.SetJson(hashName, JsonSerializer.SerializeToUtf8Bytes(hashes));
            }
            else if (HashValue(tenant, hit.Value, hit.Kind, hit.Path, junk) is { } hash)
            {
                target.SetString(hashName, hash);
            }
        }
    }

    /// <summary>The hash of a value, or null when it is no value at all or a placeholder (reported to <paramref name="junk"/>).</summary>
    private string? HashValue(string tenant, JsonElement value, PiiKind kind, string path, JunkFound? junk)
    {
        string text;
        if (value.ValueKind == JsonValueKind.String)
            text = JsonText.TryGetString(value, out var s) ? s : value.GetRawText();
        else if (value.ValueKind == JsonValueKind.Number)
            text = value.GetRawText();
        else
            return null;
        if (kind == PiiKind.None)
            kind = PiiValues.LooksLikeEmail(text) ? PiiKind.Email : PiiValues.LooksLikePhone(text) ? PiiKind.Phone : PiiKind.None;
        var hash = HashOf(tenant, kind, text, out _, out var why);
        if (why is not null)
            junk?.Invoke(path, why);
        return hash;
    }

    /// <summary>
    /// The hash <see cref="HashObject"/> writes for a value of this kind (the <c>phone_hash</c> / <c>email_hash</c>
    /// trait), with the normalised value it hashed; null (and why) for a placeholder.
    /// </summary>
    public string? HashOf(string tenant, PiiKind kind, string text, out string normalized, out string? placeholder)
    {
        normalized = PiiValues.Normalize(kind, text);
        placeholder = kind switch
        {
            PiiKind.Email => Placeholders.EmailReason(normalized),
            PiiKind.Phone => Placeholders.Reason(text) ?? Placeholders.PhoneReason(normalized),
            _ => Placeholders.Reason(normalized),
        };
        return placeholder is null ? Hash(tenant, normalized) : null;
    }

    public string Hash(string tenant, string normalizedValue)
    {
        // One reusable HMAC per thread and tenant: the one-shot API sets up a new OpenSSL MAC context
        // on every call, which cost more than everything else the gateway does to an event.
        var macs = _macs ??= new Dictionary<(PiiHasher, string), IncrementalHash>();
        if (!macs.TryGetValue((this, tenant), out var mac))
        {
            var key = _tenantKeys.GetOrAdd(tenant, t => HMACSHA256.HashData(_salt, Encoding.UTF8.GetBytes(t)));
            if (macs.Count >= 1024)
                macs.Clear();
            macs[(this, tenant)] = mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        }
        var max = Encoding.UTF8.GetMaxByteCount(normalizedValue.Length);
        var bytes = max <= 512 ? stackalloc byte[max] : new byte[max];
        mac.AppendData(bytes[..Encoding.UTF8.GetBytes(normalizedValue, bytes)]);
        Span<byte> hash = stackalloc byte[32];
        mac.GetHashAndReset(hash);
        return Convert.ToHexStringLower(hash);
    }

    [ThreadStatic]
    private static Dictionary<(PiiHasher, string), IncrementalHash>? _macs;
}
