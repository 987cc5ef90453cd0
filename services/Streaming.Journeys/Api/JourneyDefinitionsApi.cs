using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Streaming.Conditions.Parsing;
using Streaming.Contracts.Records;
using Streaming.Journeys.Definitions;
using Streaming.Journeys.Templates;
using Streaming.ServiceDefaults.Admin;
using Streaming.ServiceDefaults.Definitions;

namespace Streaming.Journeys.Api;

/// <summary>
/// Journey definitions: <c>PUT /api/definitions/journeys/{id}</c> (JSON or YAML, validated; a 400 names
/// every wrong part by path) writes the draft; <c>POST .../{id}/publish|pause|resume|archive</c> moves
/// the lifecycle; <c>GET</c> one or all. Stored on config.definitions (kind <c>journey</c>).
/// </summary>
public static partial class JourneyDefinitionsApi
{
    private const int MaxBodyBytes = 64 * 1024;

    public static void MapJourneyDefinitionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/definitions/journeys").RequireApiKey(read: ApiPermission.DefinitionsRead, write: ApiPermission.DefinitionsWrite);

        group.MapGet("/", (HttpContext http, DefinitionStore store) =>
            Results.Ok(store.List(DefinitionKind.Journey, http.Tenant()).Select(View)));

        group.MapGet("/templates", () => Results.Ok(BuiltInJourneys.All.Select(t => new { id = t.Id, description = t.Description, definition = JsonNode.Parse(t.Definition) })));

        group.MapGet("/{id}", (HttpContext http, string id, DefinitionStore store) =>
            store.Get(http.Tenant(), DefinitionKind.Journey, id) is { } document ? Results.Ok(View(document)) : Unknown(http, id));

        group.MapPut("/{id}", async (HttpContext http, string id, DefinitionStore store, CancellationToken cancellationToken) =>
        {
            if (!IdPattern().IsMatch(id))
                return AdminAuthorization.Problem(400, "bad id", "id must be 1-64 characters: lowercase letters, digits, '-' or '_', starting with a letter or digit (e.g. new-member-coupon).");
            if (http.Request.ContentLength > MaxBodyBytes)
                return TooLarge();
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync(cancellationToken);
            if (body.Length > MaxBodyBytes)
                return TooLarge();
            if (IsYaml(http.Request.ContentType, body))
            {
                if (!YamlDocuments.TryConvertToJson(body, out var json, out var yamlError))
                    return Invalid([new ConditionError("$", yamlError!)]);
                body = json;
            }
            var parsed = JourneyParser.Parse(body);
            if (!parsed.IsValid)
                return Invalid(parsed.Errors);
            var existing = store.Get(http.Tenant(), DefinitionKind.Journey, id);
            var journey = existing is null ? new JourneyDocument() : JourneyDocument.Read(existing.Body);
            if (journey.Status == JourneyStatus.Archived)
                return AdminAuthorization.Problem(409, "journey archived", $"Journey '{id}' is archived and read-only; put the definition under a new id.");
            journey.Draft = JsonNode.Parse(body)!.AsObject();
            return Results.Ok(View(await store.PutAsync(http.Tenant(), DefinitionKind.Journey, id, journey.Write(), "admin", cancellationToken)));
        });

        group.MapPost("/{id}/publish", (HttpContext http, string id, DefinitionStore store, TimeProvider time, CancellationToken ct) =>
            Change(http, id, store, journey =>
            {
                if (journey.Status == JourneyStatus.Archived)
                    return "is archived; put the definition under a new id";
                if (journey.Draft is null)
                    return "has no draft; PUT a definition first";
                var version = journey.Versions.Count == 0 ? 1 : journey.Versions[^1].Version + 1;
                journey.Versions.Add(new PublishedVersion { Version = version, PublishedAt = time.GetUtcNow().ToUnixTimeMilliseconds(), Definition = (JsonObject)journey.Draft.DeepClone() });
                journey.Live = version;
                journey.Status = JourneyStatus.Published;
                return null;
            }, ct));

        group.MapPost("/{id}/pause", (HttpContext http, string id, DefinitionStore store, CancellationToken ct) =>
            Change(http, id, store, journey => Move(journey, JourneyStatus.Published, JourneyStatus.Paused), ct));

        group.MapPost("/{id}/resume", (HttpContext http, string id, DefinitionStore store, CancellationToken ct) =>
            Change(http, id, store, journey => Move(journey, JourneyStatus.Paused, JourneyStatus.Published), ct));

        group.MapPost("/{id}/archive", (HttpContext http, string id, DefinitionStore store, CancellationToken ct) =>
            Change(http, id, store, journey =>
            {
                if (journey.Status == JourneyStatus.Archived)
                    return "is already archived";
                journey.Status = JourneyStatus.Archived;
                return null;
            }, ct));
    }

    private static string? Move(JourneyDocument journey, string from, string to)
    {
        if (journey.Status != from)
            return $"is {journey.Status}; only a {from} journey can become {to}";
        journey.Status = to;
        return null;
    }

    /// <summary>Applies a lifecycle change; <paramref name="change"/> answers why it cannot apply (409), or null.</summary>
    private static async Task<IResult> Change(HttpContext http, string id, DefinitionStore store, Func<JourneyDocument, string?> change, CancellationToken cancellationToken)
    {
        if (store.Get(http.Tenant(), DefinitionKind.Journey, id) is not { } existing)
            return Unknown(http, id);
        var journey = JourneyDocument.Read(existing.Body);
        if (change(journey) is { } refusal)
            return AdminAuthorization.Problem(409, "lifecycle", $"Journey '{id}' {refusal}.");
        return Results.Ok(View(await store.PutAsync(http.Tenant(), DefinitionKind.Journey, id, journey.Write(), "admin", cancellationToken)));
    }

    private static IResult Unknown(HttpContext http, string id) =>
        AdminAuthorization.Problem(404, "unknown journey", $"No journey '{id}' in tenant '{http.Tenant()}'.");

    private static IResult TooLarge() =>
        AdminAuthorization.Problem(413, "definition too large", $"A journey definition is at most {MaxBodyBytes / 1024} KB; split it into several journeys.");

    private static IResult Invalid(IReadOnlyList<ConditionError> errors) => Results.Problem(
        statusCode: 400,
        title: "invalid journey definition",
        detail: string.Join("; ", errors.Select(e => e.ToString())),
        extensions: new Dictionary<string, object?> { ["errors"] = errors.Select(e => new { path = e.Path, message = e.Message }).ToList() });

    private static bool IsYaml(string? contentType, string body) =>
        contentType?.Contains("yaml", StringComparison.OrdinalIgnoreCase) == true
        || (contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true && !body.TrimStart().StartsWith('{'));

    private static object View(DefinitionDocument document)
    {
        var journey = JourneyDocument.Read(document.Body);
        return new
        {
            id = document.Id,
            status = journey.Status,
            live = journey.Live,
            revision = document.Version,
            updatedAt = document.UpdatedAt,
            draft = journey.Draft,
            versions = journey.Versions.Select(v => new { version = v.Version, publishedAt = v.PublishedAt, definition = v.Definition }),
        };
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex IdPattern();
}
