using System.Collections.Concurrent;
using System.Text.Json;
using Streaming.Contracts.Records;
using Streaming.Identity.Graph;
using Streaming.Identity.Rules;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Identity.Pipeline;

/// <summary>
/// Step 1: the identifiers an event names, strongest first, junk removed: userId, anonymousId,
/// an alias's previousId and the extra types the tenant's rules read from traits/context/properties.
/// An event left with no identifier has nobody to belong to and is dead-lettered with the reason.
/// </summary>
public static class ReadIdentifiersStep
{
    /// <summary>A configured path split once: which JSON field, the name it ends with, the names to walk.</summary>
    private sealed record CompiledPath(string Root, string Leaf, string[] Segments);

    // Paths come from the rules (a handful per tenant), so this stays small.
    private static readonly ConcurrentDictionary<string, CompiledPath> Paths = new(StringComparer.Ordinal);

    public static StepResult<IReadOnlyList<Identifier>> Run(TrackingEvent e, IdentityRules rules, long? knownPerson = null)
    {
        var found = new List<Identifier>(4);
        // A person the platform already named comes first: it decides whose event this is.
        if (knownPerson is { } person)
            found.Add(new Identifier(IdentifierTypes.KnownPerson, person.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        List<string>? junk = null;

        Add(found, ref junk, rules, IdentifierTypes.UserId, e.UserId, "userId");
        Add(found, ref junk, rules, IdentifierTypes.AnonymousId, e.AnonymousId, "anonymousId");
        if (e.Type == "alias" && e.PreviousId != e.UserId)
            Add(found, ref junk, rules, IdentifierTypes.PreviousId, e.PreviousId, "previousId");
        if (rules.Sources.Count > 0)
        {
            // Each JSON field is parsed at most once, and only when it mentions a configured name.
            var documents = new JsonFields(e);
            try
            {
                foreach (var source in rules.Sources)
                {
                    foreach (var path in source.Paths)
                    {
                        if (documents.Read(Compile(path)) is { } value)
                        {
                            Add(found, ref junk, rules, source.Type, value, path);
                            break;
                        }
                    }
                }
            }
            finally
            {
                documents.Dispose();
            }
        }

        if (found.Count == 0)
        {
            var detail = junk is null ? "userId and anonymousId are both missing" : "every identifier is junk: " + string.Join("; ", junk);
            return StepResult.DeadLetter($"The event names nobody ({detail}); send a real anonymousId or userId.");
        }
        // Strongest first; an alias's previousId ranks with anonymousId, just before it. Stable: a
        // handful of items, so an insertion sort.
        for (var i = knownPerson is null ? 1 : 2; i < found.Count; i++)
        {
            var item = found[i];
            var j = i - 1;
            while (j >= (knownPerson is null ? 0 : 1) && Compare(rules, found[j], item) > 0)
            {
                found[j + 1] = found[j];
                j--;
            }
            found[j + 1] = item;
        }
        return StepResult.ContinueWith<IReadOnlyList<Identifier>>(found);
    }

    /// <summary>The string or number at a dotted path (e.g. <c>context.device.advertisingId</c>), or null.</summary>
    internal static string? ReadPath(TrackingEvent e, string path)
    {
        var documents = new JsonFields(e);
        try
        {
            return documents.Read(Compile(path));
        }
        finally
        {
            documents.Dispose();
        }
    }

    private static void Add(List<Identifier> found, ref List<string>? junk, IdentityRules rules, string type, string? raw, string field)
    {
        if (raw is null)
            return;
        var why = Junk.Reason(raw, rules.Blocklist);
        if (why is not null)
        {
            (junk ??= []).Add($"{field} '{Shorten(raw)}' ({why})");
            return;
        }
        var value = raw.Trim();
        if (!found.Contains(new Identifier(type, value)))
            found.Add(new Identifier(type, value));
    }

    private static int Compare(IdentityRules rules, Identifier a, Identifier b)
    {
        var byRank = Rank(rules, a.Type).CompareTo(Rank(rules, b.Type));
        if (byRank != 0)
            return byRank;
        var aPrevious = a.Type == IdentifierTypes.PreviousId;
        var bPrevious = b.Type == IdentifierTypes.PreviousId;
        return aPrevious == bPrevious ? 0 : aPrevious ? -1 : 1;
    }

    private static int Rank(IdentityRules rules, string type) => rules.RankOf(type == IdentifierTypes.PreviousId ? IdentifierTypes.AnonymousId : type);

    private static CompiledPath Compile(string path) => Paths.GetOrAdd(path, static p =>
    {
        var dot = p.IndexOf('.', StringComparison.Ordinal);
        var segments = p[(dot + 1)..].Split('.');
        return new CompiledPath(p[..dot], segments[^1], segments);
    });

    /// <summary>The event's JSON fields, each parsed on first use (and disposed with this).</summary>
    private struct JsonFields(TrackingEvent e)
    {
        private JsonDocument? _traits, _context, _properties;
        private bool _traitsRead, _contextRead, _propertiesRead;

        public string? Read(CompiledPath path)
        {
            var (json, document) = path.Root switch
            {
                "traits" => (e.Traits, Parse(e.Traits, path.Leaf, ref _traits, ref _traitsRead)),
                "context" => (e.Context, Parse(e.Context, path.Leaf, ref _context, ref _contextRead)),
                "properties" => (e.Properties, Parse(e.Properties, path.Leaf, ref _properties, ref _propertiesRead)),
                _ => (null, null),
            };
            if (json is null || document is null)
                return null;
            var node = document.RootElement;
            foreach (var segment in path.Segments)
            {
                if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(segment, out node))
                    return null;
            }
            return node.ValueKind switch
            {
                JsonValueKind.String => node.GetString(),
                JsonValueKind.Number => node.GetRawText(),
                _ => null,
            };
        }

        // Cheap test first: most events do not mention the leaf name at all.
        private static JsonDocument? Parse(string? json, string leaf, ref JsonDocument? document, ref bool read)
        {
            if (json is null || json.Length <= 2 || !json.Contains(leaf, StringComparison.Ordinal))
                return null;
            if (!read)
            {
                read = true;
                try
                {
                    document = JsonDocument.Parse(json);
                }
                catch (JsonException)
                {
                    // The gateway only accepts JSON objects; a broken one names nobody, it does not stop the event.
                    document = null;
                }
            }
            return document;
        }

        public readonly void Dispose()
        {
            _traits?.Dispose();
            _context?.Dispose();
            _properties?.Dispose();
        }
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
