using System.Text.Json;
using Streaming.Contracts.Records;
using Streaming.Identity.Graph;
using Streaming.Identity.Rules;

namespace Streaming.Identity.Pipeline;

/// <summary>
/// Step 1: the identifiers an event names, strongest first, junk removed: userId, anonymousId,
/// an alias's previousId and the extra types the tenant's rules read from traits/context/properties.
/// An event left with no identifier has nobody to belong to and is dead-lettered with the reason.
/// </summary>
public static class ReadIdentifiers
{
    public sealed record Result(IReadOnlyList<Identifier> Identifiers, string? Problem);

    public static Result From(TrackingEvent e, IdentityRules rules)
    {
        var found = new List<Identifier>(4);
        var junk = new List<string>();

        void Add(string type, string? raw, string field)
        {
            if (raw is null)
                return;
            var why = Junk.Reason(raw, rules.Blocklist);
            if (why is not null)
            {
                junk.Add($"{field} '{Shorten(raw)}' ({why})");
                return;
            }
            var value = raw.Trim();
            if (!found.Contains(new Identifier(type, value)))
                found.Add(new Identifier(type, value));
        }

        Add(IdentifierTypes.UserId, e.UserId, "userId");
        Add(IdentifierTypes.AnonymousId, e.AnonymousId, "anonymousId");
        if (e.Type == "alias" && e.PreviousId != e.UserId)
            Add(IdentifierTypes.PreviousId, e.PreviousId, "previousId");
        foreach (var source in rules.Sources)
        {
            foreach (var path in source.Paths)
            {
                if (ReadPath(e, path) is { } value)
                {
                    Add(source.Type, value, path);
                    break;
                }
            }
        }

        if (found.Count == 0)
        {
            var detail = junk.Count == 0 ? "userId and anonymousId are both missing" : "every identifier is junk: " + string.Join("; ", junk);
            return new Result([], $"The event names nobody ({detail}); send a real anonymousId or userId.");
        }
        // Strongest first; an alias's previousId ranks with anonymousId, just before it.
        found.Sort((a, b) =>
        {
            var byRank = Rank(a.Type).CompareTo(Rank(b.Type));
            return byRank != 0 ? byRank : (a.Type == IdentifierTypes.PreviousId ? -1 : b.Type == IdentifierTypes.PreviousId ? 1 : 0);
        });
        return new Result(found, null);

        int Rank(string type) => rules.RankOf(type == IdentifierTypes.PreviousId ? IdentifierTypes.AnonymousId : type);
    }

    /// <summary>The string or number at a dotted path (e.g. <c>context.device.advertisingId</c>), or null.</summary>
    internal static string? ReadPath(TrackingEvent e, string path)
    {
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        var json = path[..dot] switch
        {
            "traits" => e.Traits,
            "context" => e.Context,
            "properties" => e.Properties,
            _ => null,
        };
        // Cheap test first: most events do not mention the leaf name at all.
        var leaf = path[(path.LastIndexOf('.') + 1)..];
        if (json is null || json.Length <= 2 || !json.Contains(leaf, StringComparison.Ordinal))
            return null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var node = document.RootElement;
            foreach (var segment in path[(dot + 1)..].Split('.'))
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
        catch (JsonException)
        {
            // The gateway only accepts JSON objects; a broken one names nobody, it does not stop the event.
            return null;
        }
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
