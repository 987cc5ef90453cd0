using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Streaming.Dispatch.Contacts;
using Streaming.Dispatch.Delivery;
using Streaming.Dispatch.Suppression;
using Streaming.ServiceDefaults.Admin;

namespace Streaming.Dispatch.Api;

/// <summary>
/// The contact vault and suppression, per person (tenant admin only: raw contact points are PII):
/// <c>PUT /api/dispatch/contacts/{personId}</c> <c>{"phone": "+49..", "email": ".."}</c> (encrypted, never
/// echoed), <c>DELETE</c> (a deletion request), <c>PUT|DELETE /api/dispatch/suppressions/{personId}</c>,
/// <c>POST /api/dispatch/wechat-credits/{personId}/{templateId}</c> (a user authorised one send).
/// </summary>
public static class ContactsApi
{
    public static void MapContactsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/dispatch").RequireApiKey(ApiPermission.TenantAdmin);

        group.MapPut("/contacts/{personId:long}", async (HttpContext http, long personId, ContactVault vault, CancellationToken cancellationToken) =>
        {
            if (!vault.Enabled)
                return AdminAuthorization.Problem(409, "vault disabled", "The contact vault has no key: set Dispatch:VaultKey (base64 of 32 bytes) to keep contact points.");
            JsonObject? body;
            try
            {
                body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: cancellationToken) as JsonObject;
            }
            catch (JsonException ex)
            {
                return AdminAuthorization.Problem(400, "bad contacts", $"The body is not JSON ({ex.Message}).");
            }
            if (body is null || body.Count == 0)
                return AdminAuthorization.Problem(400, "bad contacts", $"Send an object of contact points, e.g. {{\"phone\": \"+4915112345678\"}}; kinds: {string.Join(", ", ContactKinds.All)}.");
            foreach (var (kind, value) in body)
            {
                if (!ContactKinds.All.Contains(kind))
                    return AdminAuthorization.Problem(400, "unknown contact kind", $"'{kind}' is not a contact kind; use {string.Join(", ", ContactKinds.All)}.");
                if (value is not JsonValue v || !v.TryGetValue<string>(out var text) || text.Length is 0 or > 512)
                    return AdminAuthorization.Problem(400, "bad contact value", $"{kind}: a string of 1-512 characters.");
            }
            foreach (var (kind, value) in body)
                await vault.PutAsync(http.Tenant(), personId, kind, value!.GetValue<string>());
            return Results.NoContent();
        });

        group.MapDelete("/contacts/{personId:long}", async (HttpContext http, long personId, ContactVault vault, CancellationToken cancellationToken) =>
        {
            await vault.ForgetAsync(http.Tenant(), personId, cancellationToken);
            return Results.NoContent();
        });

        group.MapPut("/suppressions/{personId:long}", async (HttpContext http, long personId, SuppressionLists lists) =>
        {
            await lists.SuppressAsync(http.Tenant(), personId);
            return Results.NoContent();
        });

        group.MapDelete("/suppressions/{personId:long}", async (HttpContext http, long personId, SuppressionLists lists) =>
        {
            await lists.RemoveAsync(http.Tenant(), personId);
            return Results.NoContent();
        });

        group.MapPost("/wechat-credits/{personId:long}/{templateId}", async (HttpContext http, long personId, string templateId, WeChatCredits credits) =>
            Results.Ok(new { credits = await credits.GrantAsync(http.Tenant(), personId, templateId) }));
    }
}
