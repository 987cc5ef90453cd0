using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Streaming.Gateway.Enrichment;
using Streaming.Gateway.Sources;
using Streaming.ServiceDefaults.Admin;

namespace Streaming.Gateway.Api;

/// <summary>
/// Admin API for sources: <c>POST /api/sources</c> creates one and shows its write key once;
/// <c>GET /api/sources</c> lists the tenant's sources (never their keys).
/// </summary>
public static class SourcesApi
{
    public sealed record CreateSourceRequest(string? Id, string? Name, bool KeepRawPii = false, bool DropBots = false, int? RateLimitEventsPerSecond = null, List<string>? PiiPaths = null, bool CaptureContacts = false);

    public sealed record SourceView(string Tenant, string Id, string? Name, bool KeepRawPii, bool DropBots, int? RateLimitEventsPerSecond, IReadOnlyList<string> PiiPaths, bool CaptureContacts, long Version, DateTimeOffset UpdatedAt);

    public sealed record CreatedSourceView(string Tenant, string Id, string? Name, string WriteKey, string Note);

    public const int MaxPiiPaths = 100;

    public static IEndpointRouteBuilder MapSourcesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sources").RequireApiKey(read: ApiPermission.DefinitionsRead, write: ApiPermission.TenantAdmin);
        group.MapPost("/", CreateAsync);
        group.MapGet("/", List);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, CreateSourceRequest? request, SourceRegistry sources, ContactCapture capture)
    {
        if (request?.Id is not { } id || !SourceRegistry.IsValidId(id))
            return AdminAuthorization.Problem(StatusCodes.Status400BadRequest, "bad source id", "Send {\"id\": \"web\"}: 1-64 lower-case letters, digits, '-' or '_'.");
        if (request.RateLimitEventsPerSecond is < 0)
            return AdminAuthorization.Problem(StatusCodes.Status400BadRequest, "bad rate limit", "rateLimitEventsPerSecond must be 0 (no limit) or more.");
        if (request.PiiPaths is { } paths)
        {
            if (paths.Count > MaxPiiPaths)
                return AdminAuthorization.Problem(StatusCodes.Status400BadRequest, "too many pii paths", $"piiPaths has {paths.Count} entries; at most {MaxPiiPaths}.");
            foreach (var (path, index) in paths.Select((p, i) => (p, i)))
            {
                if (path is null || path.Length > 200 || !PiiField.TryParse(path, out _))
                    return AdminAuthorization.Problem(StatusCodes.Status400BadRequest, "bad pii path", $"piiPaths[{index}] must be {PiiField.Hint}.");
            }
        }
        if (request.CaptureContacts && !capture.Enabled)
            return AdminAuthorization.Problem(StatusCodes.Status400BadRequest, "contact capture unavailable", "captureContacts: the gateway has no contact vault key; set Gateway:VaultKey (the same as Dispatch:VaultKey) or leave captureContacts false.");
        if (request.CaptureContacts && request.KeepRawPii)
            return AdminAuthorization.Problem(StatusCodes.Status400BadRequest, "contact capture with raw pii", "captureContacts: the vault finds a person through the phone_hash/email_hash traits, which keepRawPii does not write; set keepRawPii false to capture contacts.");
        var tenant = http.Tenant();
        var settings = new SourceSettings
        {
            Name = request.Name ?? id,
            WriteKeyHash = "",
            KeepRawPii = request.KeepRawPii,
            CaptureContacts = request.CaptureContacts,
            DropBots = request.DropBots,
            RateLimitEventsPerSecond = request.RateLimitEventsPerSecond,
            PiiPaths = request.PiiPaths is { Count: > 0 } piiPaths ? piiPaths : null,
        };
        var created = await sources.CreateAsync(tenant, id, settings, "admin-api", http.RequestAborted);
        if (created is null)
            return AdminAuthorization.Problem(StatusCodes.Status409Conflict, "source exists", $"Tenant '{tenant}' already has a source '{id}'. Choose another id.");
        return Results.Created($"/api/sources/{id}", new CreatedSourceView(tenant, id, settings.Name, created.WriteKey,
            "Keep the write key now: it is stored hashed and cannot be shown again."));
    }

    private static IResult List(HttpContext http, SourceRegistry sources) =>
        Results.Ok(sources.List(http.Tenant()).Select(x => new SourceView(
            x.Source.Tenant, x.Source.Id, x.Source.Settings.Name, x.Source.Settings.KeepRawPii, x.Source.Settings.DropBots,
            x.Source.Settings.RateLimitEventsPerSecond, x.Source.Settings.PiiPaths ?? [], x.Source.Settings.CaptureContacts, x.Document.Version, DateTimeOffset.FromUnixTimeMilliseconds(x.Document.UpdatedAt))));
}
