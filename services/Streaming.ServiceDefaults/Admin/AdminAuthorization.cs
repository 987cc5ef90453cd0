using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Streaming.ServiceDefaults.Admin;

/// <summary>The permission an <c>/api/*</c> endpoint needs (endpoint metadata; the route-table test reads it).</summary>
public sealed record RequiresPermission(ApiPermission Permission);

/// <summary>
/// <c>/api/*</c> endpoints take an API key as <c>Authorization: Bearer &lt;key&gt;</c>: the bootstrap key
/// (<c>Admin:ApiKey</c>, every tenant, role admin) or a key created with <c>POST /api/keys</c> (one tenant or
/// all, one role). <c>X-Tenant</c> only selects among the key's tenants; a one-tenant key needs none.
/// Every endpoint declares the <see cref="ApiPermission"/> it needs; one that declares none is refused.
/// Keys are compared by hash in constant time and never logged.
/// </summary>
public static partial class AdminAuthorization
{
    public const string TenantHeader = "X-Tenant";
    public const string DefaultTenant = "default";
    private const string CallerItem = "streaming.caller";

    /// <summary>Every endpoint of the group needs an API key and <paramref name="permission"/>.</summary>
    public static RouteGroupBuilder RequireApiKey(this RouteGroupBuilder group, ApiPermission permission) =>
        group.RequireApiKey(permission, permission);

    /// <summary>
    /// Every endpoint of the group needs an API key; GET endpoints need <paramref name="read"/>, the others
    /// <paramref name="write"/>, unless an endpoint declares its own with <see cref="Requires{TBuilder}"/>.
    /// </summary>
    public static RouteGroupBuilder RequireApiKey(this RouteGroupBuilder group, ApiPermission read, ApiPermission write)
    {
        ((IEndpointConventionBuilder)group).Finally(endpoint =>
        {
            if (endpoint.Metadata.OfType<RequiresPermission>().Any())
                return;
            var methods = endpoint.Metadata.OfType<HttpMethodMetadata>().SelectMany(m => m.HttpMethods).ToList();
            var readOnly = methods.Count > 0 && methods.All(m => m is "GET" or "HEAD");
            endpoint.Metadata.Add(new RequiresPermission(readOnly ? read : write));
        });
        group.AddEndpointFilter(async (context, next) =>
        {
            var refusal = Authorize(context.HttpContext);
            return refusal ?? await next(context);
        });
        return group;
    }

    /// <summary>Declares the permission of one endpoint (overrides the group's read/write default).</summary>
    public static TBuilder Requires<TBuilder>(this TBuilder builder, ApiPermission permission)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiresPermission(permission));

    /// <summary>The caller of an <c>/api/*</c> request (after the key check ran).</summary>
    public static ApiCaller Caller(this HttpContext context) =>
        context.Items.TryGetValue(CallerItem, out var caller) && caller is ApiCaller value
            ? value
            : throw new InvalidOperationException("The endpoint has no API key check: map it in a group with RequireApiKey.");

    /// <summary>The tenant an <c>/api/*</c> request works on (after the key check ran).</summary>
    public static string Tenant(this HttpContext context) => context.Caller().Tenant;

    public static bool IsValidTenant(string tenant) => TenantPattern().IsMatch(tenant);

    public static IResult Problem(int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail);

    /// <summary>Null when the request may go on; the refusal otherwise.</summary>
    private static IResult? Authorize(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<RequiresPermission>() is not { } required)
            return Problem(StatusCodes.Status403Forbidden, "endpoint without permission", "This endpoint declares no permission, so no key may call it (a server defect: report it).");
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length == "Bearer ".Length)
            return Problem(StatusCodes.Status401Unauthorized, "missing API key", "Send an API key as 'Authorization: Bearer <key>' (the bootstrap key Admin:ApiKey, or a key from POST /api/keys).");
        var registry = http.RequestServices.GetRequiredService<ApiKeyRegistry>();
        var (key, refusal) = registry.Verify(header["Bearer ".Length..].Trim());
        if (refusal == KeyRefusal.NotLoaded)
        {
            http.Response.Headers.RetryAfter = "2";
            return Problem(StatusCodes.Status503ServiceUnavailable, "keys not loaded yet", "The API keys are still being read from config.definitions; retry in a few seconds.");
        }
        if (key is null)
            return Problem(StatusCodes.Status401Unauthorized, "unknown API key", "The key is wrong or was revoked. Keys are shown once, when created; create another with POST /api/keys.");

        var requested = http.Request.Headers[TenantHeader].ToString();
        if (requested.Length > 0 && !IsValidTenant(requested))
            return Problem(StatusCodes.Status400BadRequest, "bad tenant", "X-Tenant must be 1-64 characters of letters, digits, '-' or '_'.");
        string tenant;
        if (key.Tenant == ApiCaller.AllTenants)
        {
            tenant = requested.Length > 0 ? requested : DefaultTenant;
        }
        else if (requested.Length == 0 || requested == key.Tenant)
        {
            tenant = key.Tenant;
        }
        else
        {
            return Problem(StatusCodes.Status403Forbidden, "tenant not allowed",
                $"This key belongs to tenant '{key.Tenant}' only; X-Tenant '{requested}' is not one of its tenants. Omit X-Tenant, or use a key of tenant '{requested}'.");
        }

        if (!key.Role.Allows(required.Permission))
        {
            return Problem(StatusCodes.Status403Forbidden, "role not allowed",
                $"Role '{key.Role.Name()}' may not {Describe(required.Permission)}; that needs {NeededRoles(required.Permission)} (docs/security.md).");
        }

        http.Items[CallerItem] = new ApiCaller(key.Id, key.Role, key.Tenant, tenant);
        return null;
    }

    private static string Describe(ApiPermission permission) => permission switch
    {
        ApiPermission.AnalyticsRead => "run analytics queries",
        ApiPermission.ProfilesRead => "read profiles",
        ApiPermission.IdentityRead => "read the identity graph",
        ApiPermission.DefinitionsRead => "read definitions",
        ApiPermission.DefinitionsWrite => "change definitions",
        _ => "manage sources, identity rules or API keys",
    };

    private static string NeededRoles(ApiPermission permission) =>
        "a key with role " + string.Join(" or ", Enum.GetValues<ApiRole>().Where(r => r.Allows(permission)).Select(r => $"'{r.Name()}'"));

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex TenantPattern();
}
