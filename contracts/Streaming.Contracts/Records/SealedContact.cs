namespace Streaming.Contracts.Records;

/// <summary>
/// A raw contact point (phone, e-mail) the gateway took from identify traits before hashing them,
/// sealed with the contact vault's key (topic <c>contacts.sealed</c>). Its person is found through
/// <see cref="Hash"/>, the same hash the person's <c>phone_hash</c>/<c>email_hash</c> trait holds.
/// </summary>
public sealed record SealedContact
{
    public required string Tenant { get; init; }
    public required string Kind { get; init; }
    public required string Hash { get; init; }

    /// <summary>Base64 of nonce | tag | AES-256-GCM ciphertext; associated data: tenant, kind and hash.</summary>
    public required string Sealed { get; init; }
    public long At { get; init; }
}
