namespace Streaming.ServiceDefaults.Admin;

/// <summary>What an <c>/api/*</c> endpoint needs. Each endpoint declares exactly one (fail closed otherwise).</summary>
public enum ApiPermission
{
    /// <summary>Run analytics queries (trends, funnels, retention, paths, audience counts and exports).</summary>
    AnalyticsRead,

    /// <summary>Read live profiles (an analyst sees them with PII masked).</summary>
    ProfilesRead,

    /// <summary>Read the identity graph (identifiers of a person) and the identity rules.</summary>
    IdentityRead,

    /// <summary>Read definitions: tags, tag packs, sources (never their write keys).</summary>
    DefinitionsRead,

    /// <summary>Create, change and delete tag definitions; install tag packs.</summary>
    DefinitionsWrite,

    /// <summary>Credentials and what decides identity: sources (write keys), identity rules, API keys.</summary>
    TenantAdmin,
}

/// <summary>The role → permission matrix (docs/security.md shows it as a table).</summary>
public static class ApiRoles
{
    public static bool Allows(this ApiRole role, ApiPermission permission) => role switch
    {
        ApiRole.Admin => true,
        ApiRole.Marketer => permission is not ApiPermission.TenantAdmin,
        ApiRole.Analyst => permission is ApiPermission.AnalyticsRead or ApiPermission.ProfilesRead or ApiPermission.DefinitionsRead,
        _ => false,
    };

    /// <summary>The JSON spelling: <c>admin</c>, <c>marketer</c>, <c>analyst</c>.</summary>
    public static string Name(this ApiRole role) => role.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out ApiRole role)
    {
        role = default;
        return text is "admin" or "marketer" or "analyst" && Enum.TryParse(text, ignoreCase: true, out role);
    }
}
