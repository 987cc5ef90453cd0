using System.Text.Json.Serialization;

namespace Streaming.Identity.Rules;

/// <summary>
/// Identity rules as written: in configuration (<c>Identity:Rules</c>, the service defaults) and in
/// a tenant's definition document (kind <c>identity-rules</c>, id <c>rules</c>). Every field is
/// optional; a missing field keeps the value of the layer below (built-in, then service, then tenant).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class IdentityRulesDocument
{
    /// <summary>Identifier types, strongest first. An event belongs to the person of its strongest identifier.</summary>
    public List<string>? Priority { get; set; }

    /// <summary>Most identifiers of a type one person may carry (0 = no limit). Merged over the layer below.</summary>
    public Dictionary<string, int>? Limits { get; set; }

    /// <summary>Junk values never used as identifiers, added to the built-in list.</summary>
    public List<string>? Blocklist { get; set; }

    /// <summary>Extra identifier types and the event paths they are read from; a type given here replaces the one below.</summary>
    public List<IdentifierSourceDocument>? Identifiers { get; set; }

    /// <summary>An event whose messageId was seen this recently (by receivedAt) is dropped as a duplicate.</summary>
    public TimeSpan? DedupWindow { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class IdentifierSourceDocument
{
    public string Type { get; set; } = "";
    public List<string> Paths { get; set; } = [];
}
