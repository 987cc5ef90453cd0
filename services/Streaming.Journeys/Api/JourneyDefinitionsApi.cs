using System.Text.Json.Nodes;
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
public static class JourneyDefinitionsApi
{
    private static readonly DefinitionNoun Noun = new(DefinitionKind.Journey, "journey definition", "new-member-coupon", "split it into several journeys");

    public static void MapJourneyDefinitionsApi(this IEndpointRouteBuilder app)
    {
        // Journeys are archived, never deleted: instances and reports refer to their versions.
        var group = app.MapGroup("/api/definitions/journeys").RequireApiKey(read: ApiPermission.DefinitionsRead, write: ApiPermission.DefinitionsWrite)
            .MapDefinitionReads(Noun, View, deletable: false);

        group.MapGet("/templates", () => Results.Ok(BuiltInJourneys.All.Select(t => new { id = t.Id, description = t.Description, definition = JsonNode.Parse(t.Definition) })));

        group.MapPut("/{id}", async (HttpContext http, string id, DefinitionStore store, CancellationToken cancellationToken) =>
        {
            var body = await DefinitionEndpoints.ReadPutAsync(http, id, Noun, cancellationToken);
            if (body.Refusal is { } refusal)
                return refusal;
            if (!YamlDocuments.TryReadDefinition(body.Text!, body.IsYaml, out var json, out var yamlError))
                return Invalid([yamlError!]);
            var parsed = JourneyParser.Parse(json);
            if (!parsed.IsValid)
                return Invalid(parsed.Errors);
            var existing = store.Get(http.Tenant(), DefinitionKind.Journey, id);
            var journey = existing is null ? new JourneyDocument() : JourneyDocument.Read(existing.Body);
            if (journey.Status == JourneyStatus.Archived)
                return AdminAuthorization.Problem(409, "journey archived", $"Journey '{id}' is archived and read-only; put the definition under a new id.");
            journey.Draft = JsonNode.Parse(json)!.AsObject();
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
            return DefinitionEndpoints.Unknown(http, Noun, id);
        var journey = JourneyDocument.Read(existing.Body);
        if (change(journey) is { } refusal)
            return AdminAuthorization.Problem(409, "lifecycle", $"Journey '{id}' {refusal}.");
        return Results.Ok(View(await store.PutAsync(http.Tenant(), DefinitionKind.Journey, id, journey.Write(), "admin", cancellationToken)));
    }

    private static IResult Invalid(IReadOnlyList<ConditionError> errors) =>
        DefinitionEndpoints.Invalid(Noun, errors.Select(e => (e.Path, e.Message)));

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
}
