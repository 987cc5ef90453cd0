using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Streaming.ServiceDefaults.Admin;

/// <summary>
/// <c>POST /api/keys</c> creates a key for the request's tenant (or, by an all-tenant admin, for all
/// tenants) and shows it once; <c>GET /api/keys</c> lists the tenant's keys by id (never the keys);
/// <c>DELETE /api/keys/{id}</c> revokes one. Role admin only.
/// </summary>
public static class ApiKeysApi
{
    public sealed record CreateKeyRequest(string? Name, string? Role, bool AllTenants = false);

    public sealed record KeyView(string Id, string? Tenant, bool AllTenants, string Role, string Name, DateTimeOffset CreatedAt, string? CreatedBy);

    public sealed record CreatedKeyView(string Id, string? Tenant, bool AllTenants, string Role, string Name, string Key, string Note);

    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/keys").RequireApiKey(ApiPermission.TenantAdmin);
        group.MapPost("/", CreateAsync);
        group.MapGet("/", List);
        group.MapDelete("/{id}", RevokeAsync);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, CreateKeyRequest? request, ApiKeyRegistry keys)
    {
        if (!ApiRoles.TryParse(request?.Role, out var role))
            return AdminAuthorization.Problem(StatusCodes.Status400BadRequest, "bad role", "Send {\"role\": \"admin\" | \"marketer\" | \"analyst\", \"name\": \"what the key is for\"}.");
        var name = request!.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200)
            return AdminAuthorization.Problem(StatusCodes.Status400BadRequest, "bad name", "name says what the key is for (1-200 characters), e.g. \"BI dashboards\".");
        var caller = http.Caller();
        if (request.AllTenants && !caller.HasAllTenants)
        {
            return AdminAuthorization.Problem(StatusCodes.Status403Forbidden, "all tenants not allowed",
                $"Only a key of all tenants creates keys of all tenants; this key belongs to tenant '{caller.KeyTenant}'.");
        }

        var tenant = request.AllTenants ? ApiCaller.AllTenants : caller.Tenant;
        var (entry, key) = await keys.CreateAsync(tenant, role, name, "key:" + caller.KeyId, http.RequestAborted);
        return Results.Created($"/api/keys/{entry.Id}", new CreatedKeyView(entry.Id, TenantOf(entry), request.AllTenants, role.Name(), name, key,
            "Keep the key now: it is stored hashed and cannot be shown again. Send it as 'Authorization: Bearer <key>'."));
    }

    private static IResult List(HttpContext http, ApiKeyRegistry keys)
    {
        var caller = http.Caller();
        var listed = keys.List(caller.Tenant).AsEnumerable();
        if (caller.HasAllTenants)
            listed = listed.Concat(keys.List(ApiCaller.AllTenants));
        return Results.Ok(listed.Select(View));
    }

    private static async Task<IResult> RevokeAsync(HttpContext http, string id, ApiKeyRegistry keys)
    {
        var caller = http.Caller();
        if (keys.Find(id) is not { } key || !(key.Tenant == caller.Tenant || (key.Tenant == ApiCaller.AllTenants && caller.HasAllTenants)))
            return AdminAuthorization.Problem(StatusCodes.Status404NotFound, "unknown key", $"Tenant '{caller.Tenant}' has no key '{id}'; list them with GET /api/keys.");
        await keys.RevokeAsync(key, "key:" + caller.KeyId, http.RequestAborted);
        return Results.NoContent();
    }

    private static string? TenantOf(ApiKeyEntry key) => key.Tenant == ApiCaller.AllTenants ? null : key.Tenant;

    private static KeyView View(ApiKeyEntry key) => new(key.Id, TenantOf(key), key.Tenant == ApiCaller.AllTenants, key.Role.Name(), key.Name,
        DateTimeOffset.FromUnixTimeMilliseconds(key.CreatedAt), key.CreatedBy);
}
