namespace Streaming.ServiceDefaults.Admin;

/// <summary>
/// Who sent an <c>/api/*</c> request: the key's id (never the key), its role and its tenant
/// (<see cref="AllTenants"/> for operator keys), and the tenant the request works on.
/// </summary>
public sealed record ApiCaller(string KeyId, ApiRole Role, string KeyTenant, string Tenant)
{
    /// <summary>The tenant of a key that may work on every tenant (the bootstrap key and operator keys).</summary>
    public const string AllTenants = "*";

    /// <summary>Id shown for the bootstrap key (Admin:ApiKey).</summary>
    public const string BootstrapKeyId = "bootstrap";

    public bool HasAllTenants => KeyTenant == AllTenants;
}
