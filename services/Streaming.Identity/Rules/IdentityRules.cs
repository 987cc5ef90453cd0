using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Streaming.Identity.Rules;

/// <summary>A limit on how many identifiers of one type a person may carry.</summary>
public sealed record TypeLimit(string Type, int Max);

/// <summary>
/// The identity rules in force for a tenant, validated and ready to use: the identifier types in
/// priority order, the limits that protect against wrong merges, the junk values and where the
/// extra identifier types are read from.
/// </summary>
public sealed partial class IdentityRules
{
    public static readonly TimeSpan MinDedupWindow = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxDedupWindow = TimeSpan.FromDays(30);
    private static readonly string[] PathRoots = ["traits", "context", "properties"];

    private readonly FrozenDictionary<string, int> _rank;

    private IdentityRules(IReadOnlyList<string> priority, IReadOnlyList<TypeLimit> limits, FrozenSet<string> blocklist,
        IReadOnlyList<IdentifierSource> sources, TimeSpan dedupWindow)
    {
        Priority = priority;
        Limits = limits;
        Blocklist = blocklist;
        Sources = sources;
        DedupWindow = dedupWindow;
        _rank = priority.Select((type, index) => (type, index)).ToFrozenDictionary(p => p.type, p => p.index);
    }

    /// <summary>Every identifier type, strongest first.</summary>
    public IReadOnlyList<string> Priority { get; }

    /// <summary>Limits with a maximum (types without one are unlimited), in priority order.</summary>
    public IReadOnlyList<TypeLimit> Limits { get; }

    /// <summary>Tenant junk values (trimmed, case-insensitive), on top of the shared <see cref="Streaming.Contracts.Identifiers.Placeholders"/>.</summary>
    public FrozenSet<string> Blocklist { get; }

    public IReadOnlyList<IdentifierSource> Sources { get; }

    public TimeSpan DedupWindow { get; }

    /// <summary>
    /// Devices (anonymousIds) one person may gather by default. A shared identifier (the hash of a
    /// placeholder e-mail that got past the gateway, a family's phone, a shop's loyalty card) links
    /// every device that sends it; past this many the links are refused and recorded, so it shows
    /// instead of silently making one person of a crowd. Tenants change it with limits.anonymousId
    /// (0: no limit).
    /// </summary>
    public const int MaxDevicesPerPerson = 50;

    /// <summary>The built-in rules: userId first, at most one userId and 50 anonymousIds per person, a 7-day dedup window.</summary>
    public static IdentityRules BuiltIn { get; } = new(
        [IdentifierTypes.UserId, IdentifierTypes.PhoneHash, IdentifierTypes.EmailHash, "wechat_unionid", "wechat_openid", "advertisingId", IdentifierTypes.AnonymousId],
        [new TypeLimit(IdentifierTypes.UserId, 1), new TypeLimit(IdentifierTypes.AnonymousId, MaxDevicesPerPerson)],
        FrozenSet<string>.Empty,
        [
            new(IdentifierTypes.PhoneHash, ["traits.phone_hash", "context.traits.phone_hash"]),
            new(IdentifierTypes.EmailHash, ["traits.email_hash", "context.traits.email_hash"]),
            new("wechat_unionid", ["traits.wechat_unionid", "context.traits.wechat_unionid", "context.wechat.unionid"]),
            new("wechat_openid", ["traits.wechat_openid", "context.traits.wechat_openid", "context.wechat.openid"]),
            new("advertisingId", ["context.device.advertisingId"]),
        ],
        TimeSpan.FromDays(7));

    /// <summary>Rank of a type in <see cref="Priority"/> (0 = strongest); unknown types rank last.</summary>
    public int RankOf(string type) => _rank.TryGetValue(type, out var rank) ? rank : int.MaxValue;

    /// <summary>
    /// These rules with <paramref name="document"/> laid over them. Returns null and the errors
    /// (each naming the field and the fix) when the document is not valid.
    /// </summary>
    public IdentityRules? With(IdentityRulesDocument? document, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        errors = problems;
        if (document is null)
            return this;

        var sources = Sources.ToDictionary(s => s.Type);
        var sourceOrder = Sources.Select(s => s.Type).ToList();
        foreach (var (source, index) in (document.Identifiers ?? []).Select((s, i) => (s, i)))
        {
            var field = $"identifiers[{index}]";
            if (!IsValidTypeName(source.Type))
            {
                problems.Add($"{field}.type '{source.Type}' is not a valid type name: use 1-40 letters, digits, '_', '-' or '.', starting with a letter.");
                continue;
            }
            if (source.Type is IdentifierTypes.AnonymousId or IdentifierTypes.UserId)
            {
                problems.Add($"{field}.type '{source.Type}' is read from the event's own field and cannot have paths; choose another type name.");
                continue;
            }
            if (source.Paths.Count == 0)
                problems.Add($"{field}.paths is empty: give at least one path such as 'traits.{source.Type}'.");
            foreach (var path in source.Paths)
            {
                var segments = path.Split('.');
                if (segments.Length < 2 || !PathRoots.Contains(segments[0]) || segments.Any(s => s.Length == 0))
                    problems.Add($"{field}.paths '{path}' must be a dotted path starting with traits., context. or properties. (e.g. 'context.device.advertisingId').");
            }
            if (!sources.ContainsKey(source.Type))
                sourceOrder.Add(source.Type);
            sources[source.Type] = new IdentifierSource(source.Type, [.. source.Paths]);
        }

        var known = new HashSet<string>(sources.Keys) { IdentifierTypes.UserId, IdentifierTypes.AnonymousId };
        // Without a priority in the document, anonymousId stays the weakest: new types rank before it.
        var priority = Priority.Where(t => known.Contains(t) && t != IdentifierTypes.AnonymousId).ToList();
        if (document.Priority is { } wanted)
        {
            foreach (var type in wanted.Where(t => !known.Contains(t)))
                problems.Add($"priority names '{type}', which is not an identifier type; known types: {string.Join(", ", known.Order())}.");
            foreach (var type in wanted.GroupBy(t => t).Where(g => g.Count() > 1))
                problems.Add($"priority names '{type.Key}' more than once.");
            priority = [.. wanted.Where(known.Contains).Distinct()];
        }
        // Types the priority does not name rank after those it names: new sources first, anonymousId last.
        foreach (var type in sourceOrder.Concat([IdentifierTypes.UserId, IdentifierTypes.AnonymousId]).Where(t => !priority.Contains(t)).ToList())
        {
            if (type != IdentifierTypes.AnonymousId)
                priority.Add(type);
        }
        if (!priority.Contains(IdentifierTypes.AnonymousId))
            priority.Add(IdentifierTypes.AnonymousId);

        var limits = Limits.ToDictionary(l => l.Type, l => l.Max);
        foreach (var (type, max) in document.Limits ?? [])
        {
            if (!known.Contains(type))
                problems.Add($"limits names '{type}', which is not an identifier type; known types: {string.Join(", ", known.Order())}.");
            else if (max < 0)
                problems.Add($"limits.{type} is {max}; use a positive number, or 0 for no limit.");
            else
                limits[type] = max;
        }

        var window = document.DedupWindow ?? DedupWindow;
        if (window < MinDedupWindow || window > MaxDedupWindow)
            problems.Add($"dedupWindow {window} is out of range: use between {MinDedupWindow} and {MaxDedupWindow} (e.g. \"7.00:00:00\").");

        if (problems.Count > 0)
            return null;
        var blocklist = Blocklist.Concat((document.Blocklist ?? []).Select(v => v.Trim())).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        return new IdentityRules(
            priority,
            [.. priority.Where(t => limits.GetValueOrDefault(t) > 0).Select(t => new TypeLimit(t, limits[t]))],
            blocklist,
            [.. sourceOrder.Select(t => sources[t])],
            window);
    }

    /// <summary>These rules as a document (what <c>GET /api/identity/rules</c> shows).</summary>
    public IdentityRulesDocument ToDocument() => new()
    {
        Priority = [.. Priority],
        Limits = Limits.ToDictionary(l => l.Type, l => l.Max),
        Blocklist = [.. Blocklist.Order()],
        Identifiers = [.. Sources.Select(s => new IdentifierSourceDocument { Type = s.Type, Paths = [.. s.Paths] })],
        DedupWindow = DedupWindow,
    };

    public static bool IsValidTypeName(string type) => TypeName().IsMatch(type);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_.-]{0,39}$")]
    private static partial Regex TypeName();
}
