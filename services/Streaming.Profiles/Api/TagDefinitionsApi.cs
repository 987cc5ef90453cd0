using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Streaming.Conditions.Parsing;
using Streaming.Contracts.Records;
using Streaming.Profiles.Tags;
using Streaming.ServiceDefaults.Admin;
using Streaming.ServiceDefaults.Definitions;

namespace Streaming.Profiles.Api;

/// <summary>
/// Tag definitions: <c>PUT /api/definitions/tags/{id}</c> (JSON or YAML, validated; 400 names every
/// wrong part), <c>GET</c> one or all, <c>DELETE</c>, and the built-in packs
/// (<c>GET /api/definitions/tags/packs</c>, <c>POST /api/definitions/tags/packs/{pack}</c> installs one).
/// Stored on config.definitions in canonical JSON (kind <c>tag</c>).
/// </summary>
public static class TagDefinitionsApi
{
    private static readonly DefinitionNoun Noun = new(TagCatalog.Kind, "tag definition", "repeat-buyer", "split it into several tags");

    public static void MapTagDefinitionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/definitions/tags").RequireApiKey(read: ApiPermission.DefinitionsRead, write: ApiPermission.DefinitionsWrite)
            .MapDefinitionReads(Noun);

        group.MapGet("/packs", () => Results.Ok(BuiltInPacks.All.Select(p => new
        {
            name = p.Name,
            description = p.Description,
            tags = p.Tags.Select(t => new { id = t.Id, definition = JsonNode.Parse(t.Definition) }),
        })));

        group.MapPost("/packs/{pack}", async (HttpContext http, string pack, DefinitionStore store, CancellationToken cancellationToken) =>
        {
            if (BuiltInPacks.Find(pack) is not { } found)
                return AdminAuthorization.Problem(404, "unknown pack", $"Built-in packs are {string.Join(", ", BuiltInPacks.All.Select(p => p.Name))}.");
            var written = new List<object>();
            foreach (var tag in found.Tags)
            {
                var canonical = ConditionWriter.Write(ConditionParser.ParseTagDefinition(tag.Definition).GetValueOrThrow());
                written.Add(DefinitionEndpoints.View(await store.PutAsync(http.Tenant(), TagCatalog.Kind, tag.Id, canonical, "admin:pack:" + pack, cancellationToken)));
            }
            return Results.Ok(written);
        });

        group.MapPut("/{id}", async (HttpContext http, string id, DefinitionStore store, CancellationToken cancellationToken) =>
        {
            var body = await DefinitionEndpoints.ReadPutAsync(http, id, Noun, cancellationToken);
            if (body.Refusal is { } refusal)
                return refusal;
            if (!YamlDocuments.TryReadDefinition(body.Text!, body.IsYaml, out var json, out var yamlError))
                return Invalid([yamlError!]);
            var parsed = ConditionParser.ParseTagDefinition(json);
            if (!parsed.IsValid)
                return Invalid(parsed.Errors);
            var canonical = ConditionWriter.Write(parsed.Value!);
            var document = await store.PutAsync(http.Tenant(), TagCatalog.Kind, id, canonical, "admin", cancellationToken);
            return Results.Ok(DefinitionEndpoints.View(document));
        });
    }

    private static IResult Invalid(IReadOnlyList<ConditionError> errors) =>
        DefinitionEndpoints.Invalid(Noun, errors.Select(e => (e.Path, e.Message)));
}
