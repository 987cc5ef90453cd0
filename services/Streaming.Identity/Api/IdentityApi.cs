using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Streaming.Contracts.Records;
using Streaming.Identity.Graph;
using Streaming.Identity.Rules;
using Streaming.ServiceDefaults.Admin;
using Streaming.ServiceDefaults.Definitions;

namespace Streaming.Identity.Api;

/// <summary>
/// <c>/api/identity</c> (admin key, tenant from <c>X-Tenant</c>): look a person up by any identifier
/// or by id, see their identifiers and merge history, and read or replace the tenant's rules.
/// </summary>
public static class IdentityApi
{
    public static RouteGroupBuilder MapIdentityApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/identity").RequireApiKey(read: ApiPermission.IdentityRead, write: ApiPermission.TenantAdmin);

        group.MapGet("/lookup", async (HttpContext http, IdentityGraph graph, string? type, string? value) =>
        {
            if (string.IsNullOrEmpty(type) || string.IsNullOrEmpty(value))
            {
                return AdminAuthorization.Problem(StatusCodes.Status400BadRequest, "type and value are required",
                    "Give the identifier as query parameters, e.g. /api/identity/lookup?type=userId&value=U1.");
            }

            var tenant = http.Tenant();
            var person = await graph.LookupAsync(tenant, type, value.Trim());
            var record = person is null ? null : await graph.ReadPersonAsync(tenant, person.Value);
            return record is null
                ? AdminAuthorization.Problem(StatusCodes.Status404NotFound, "unknown identifier",
                    $"No person of tenant '{tenant}' carries {type} '{value}'. Types are case-sensitive (userId, anonymousId, phone_hash, ...).")
                : Results.Ok(PersonView.From(tenant, record));
        });

        group.MapGet("/persons/{personId:long}", async (HttpContext http, IdentityGraph graph, long personId) =>
        {
            var tenant = http.Tenant();
            var record = await graph.ReadPersonAsync(tenant, personId);
            return record is null
                ? AdminAuthorization.Problem(StatusCodes.Status404NotFound, "unknown person", $"Tenant '{tenant}' has no person {personId}.")
                : Results.Ok(PersonView.From(tenant, record));
        });

        group.MapGet("/rules", (HttpContext http, TenantRules rules) => Results.Ok(rules.For(http.Tenant()).ToDocument()));

        group.MapPut("/rules", async (HttpContext http, TenantRules rules, DefinitionStore store, CancellationToken cancellationToken) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync(cancellationToken);
            var valid = rules.Validate(body, out var errors);
            if (valid is null)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["rules"] = [.. errors] },
                    title: "invalid identity rules", detail: string.Join(" ", errors));
            }

            var tenant = http.Tenant();
            await store.PutAsync(tenant, DefinitionKind.IdentityRules, TenantRules.DocumentId, body, "admin-api", cancellationToken);
            return Results.Ok(valid.ToDocument());
        });

        return group;
    }
}
