namespace Streaming.ServiceDefaults.Admin;

/// <summary>What an API key may do within its tenants; the matrix is <see cref="ApiRoles.Allows"/> (docs/security.md).</summary>
public enum ApiRole
{
    /// <summary>Everything for its tenants, keys of its tenants included.</summary>
    Admin,

    /// <summary>Definitions (tags), reads profiles, identities and analytics; no sources, identity rules or keys.</summary>
    Marketer,

    /// <summary>Read-only: analytics, definitions, and profiles with PII masked; no identity graph.</summary>
    Analyst,
}
