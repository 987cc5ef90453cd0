namespace Streaming.ServiceDefaults.Admin;

/// <summary>
/// The body of an <c>api-key</c> definition on <c>config.definitions</c> (document tenant = the key's
/// tenant, or <c>*</c> for all tenants; document id = the key's public id). Holds the hash, never the key.
/// </summary>
public sealed record ApiKeyDefinition(string Name, string Role, string KeyHash, long CreatedAt, string? CreatedBy);

/// <summary>A key as the registry knows it.</summary>
public sealed record ApiKeyEntry(string Id, string Tenant, ApiRole Role, string Name, string KeyHash, long CreatedAt, string? CreatedBy);
