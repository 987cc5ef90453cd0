using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Streaming.Profiles.Storage;
using Streaming.Profiles.Tags;
using Streaming.ServiceDefaults.Admin;

namespace Streaming.Profiles.Api;

/// <summary><c>GET /api/profiles/{personId}</c> and <c>GET /api/profiles/lookup?type=userId&amp;value=U1</c> (API key with profiles read; analysts see PII masked).</summary>
public static class ProfilesApi
{
    /// <summary>Identifier types are names (userId, anonymousId, phone_hash, the tenant's own types from identity rules).</summary>
    private static bool IsIdentifierType([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? type) =>
        type is { Length: > 0 and <= 64 } && char.IsAsciiLetter(type[0]) && type.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    public static void MapProfilesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/profiles").RequireApiKey(ApiPermission.ProfilesRead);

        group.MapGet("/lookup", async (HttpContext http, string? type, string? value, ProfileStore store, TagCatalog catalog, TimeProvider time) =>
        {
            if (!IsIdentifierType(type))
                return AdminAuthorization.Problem(400, "bad type", "type must be an identifier type (userId, anonymousId, phone_hash, email_hash or one of the tenant's identity rules; letters, digits, '_'), e.g. ?type=userId&value=U1");
            if (string.IsNullOrEmpty(value))
                return AdminAuthorization.Problem(400, "missing value", "value is the identifier to look up, e.g. ?type=userId&value=U1");
            var tenant = http.Tenant();
            var personId = await store.LookupAsync(tenant, type, value);
            if (personId is null)
                return AdminAuthorization.Problem(404, "unknown identifier", $"No profile of tenant '{tenant}' has {type} '{value}' yet.");
            return await Answer(http, personId.Value, store, catalog, time);
        });

        group.MapGet("/{personId:long}", async (HttpContext http, long personId, ProfileStore store, TagCatalog catalog, TimeProvider time) =>
            await Answer(http, personId, store, catalog, time));
    }

    private static async Task<IResult> Answer(HttpContext http, long personId, ProfileStore store, TagCatalog catalog, TimeProvider time)
    {
        var tenant = http.Tenant();
        var profile = await store.LoadCurrentAsync(tenant, personId);
        if (profile.Version == 0)
            return AdminAuthorization.Problem(404, "unknown person", $"Tenant '{tenant}' has no profile for person {personId}.");
        var view = ProfileView.From(profile.PersonId, profile.State, catalog.For(tenant), time.GetUtcNow().ToUnixTimeMilliseconds());
        return Results.Ok(http.Caller().Role == ApiRole.Analyst ? AnalystProfileMask.Mask(view) : view);
    }
}
