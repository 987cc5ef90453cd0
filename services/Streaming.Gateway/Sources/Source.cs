namespace Streaming.Gateway.Sources;

/// <summary>
/// A source's definition document (kind <c>source</c> on <c>config.definitions</c>). The write key
/// itself is never stored: only its hash.
/// </summary>
public sealed record SourceSettings
{
    public string? Name { get; init; }

    /// <summary><c>sha256:&lt;hex&gt;</c> of the write key (see <see cref="WriteKeys"/>).</summary>
    public required string WriteKeyHash { get; init; }

    /// <summary>Keep PII (e-mails, phone numbers, configured paths) as sent instead of hashing it.</summary>
    public bool KeepRawPii { get; init; }

    /// <summary>
    /// This source's own PII paths, on top of the names found by spelling and Gateway:PiiFields:
    /// <c>traits.member_card</c>, <c>properties.billing.contact</c>, <c>context.x.y</c> (see PiiField).
    /// </summary>
    public List<string>? PiiPaths { get; init; }

    /// <summary>
    /// Seal the <c>phone</c> and <c>email</c> of identify traits for the contact vault before they are
    /// hashed (needs Gateway:VaultKey; not with <see cref="KeepRawPii"/>). See docs/dispatch.md.
    /// </summary>
    public bool CaptureContacts { get; init; }

    /// <summary>Drop events from known bots and crawlers (they are flagged <c>context.bot</c> either way).</summary>
    public bool DropBots { get; init; }

    /// <summary>Overrides Gateway:RateLimitEventsPerSecond for this source; 0 turns the limit off.</summary>
    public int? RateLimitEventsPerSecond { get; init; }
}

/// <summary>A source: where events come from (a web site, an app), identified by its write key.</summary>
public sealed record Source(string Tenant, string Id, SourceSettings Settings)
{
    public string Key => $"{Tenant}/{Id}";
}
