using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Streaming.ServiceDefaults.Options;

namespace Streaming.ServiceDefaults.Admin;

/// <summary>
/// Admin endpoints take the admin key as <c>Authorization: Bearer &lt;key&gt;</c> and the tenant from
/// <c>X-Tenant</c> (default <c>default</c>). The key is compared in constant time and never logged.
/// </summary>
public static partial class AdminAuthorization
{
    public const string TenantHeader = "X-Tenant";
    public const string DefaultTenant = "default";
    private const string TenantItem = "streaming.tenant";

    /// <summary>Adds the admin-key check to every endpoint of the group.</summary>
    public static RouteGroupBuilder RequireAdminKey(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var options = http.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value;
            var header = http.Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                return Problem(StatusCodes.Status401Unauthorized, "missing admin key", "Send the admin key as 'Authorization: Bearer <key>'.");
            if (!KeyMatches(header["Bearer ".Length..].Trim(), options.ApiKey))
                return Problem(StatusCodes.Status401Unauthorized, "wrong admin key", "The admin key is Admin:ApiKey (env Admin__ApiKey) of the service.");
            var tenant = http.Request.Headers[TenantHeader].ToString();
            if (string.IsNullOrEmpty(tenant))
                tenant = DefaultTenant;
            if (!IsValidTenant(tenant))
                return Problem(StatusCodes.Status400BadRequest, "bad tenant", "X-Tenant must be 1-64 characters of letters, digits, '-' or '_'.");
            http.Items[TenantItem] = tenant;
            return await next(context);
        });
        return group;
    }

    /// <summary>The tenant of an admin request (after <see cref="RequireAdminKey"/> ran).</summary>
    public static string Tenant(this HttpContext context) =>
        context.Items.TryGetValue(TenantItem, out var tenant) && tenant is string value ? value : DefaultTenant;

    public static bool IsValidTenant(string tenant) => TenantPattern().IsMatch(tenant);

    public static IResult Problem(int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail);

    private static bool KeyMatches(string presented, string expected)
    {
        if (expected.Length == 0)
            return false;
        var a = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var b = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        return CryptographicOperations.FixedTimeEquals(a, b);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex TenantPattern();
}
