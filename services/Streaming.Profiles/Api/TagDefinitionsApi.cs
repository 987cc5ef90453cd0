using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
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
public static partial class TagDefinitionsApi
{
    private const int MaxBodyBytes = 64 * 1024;

    public static void MapTagDefinitionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/definitions/tags").RequireApiKey(read: ApiPermission.DefinitionsRead, write: ApiPermission.DefinitionsWrite);

        group.MapGet("/", (HttpContext http, DefinitionStore store) =>
            Results.Ok(store.List(TagCatalog.Kind, http.Tenant()).Select(View)));

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
                written.Add(View(await store.PutAsync(http.Tenant(), TagCatalog.Kind, tag.Id, canonical, "admin:pack:" + pack, cancellationToken)));
            }
            return Results.Ok(written);
        });

        group.MapGet("/{id}", (HttpContext http, string id, DefinitionStore store) =>
            store.Get(http.Tenant(), TagCatalog.Kind, id) is { } document
                ? Results.Ok(View(document))
                : AdminAuthorization.Problem(404, "unknown tag", $"No tag definition '{id}' in tenant '{http.Tenant()}'."));

        group.MapPut("/{id}", async (HttpContext http, string id, DefinitionStore store, CancellationToken cancellationToken) =>
        {
            if (!IdPattern().IsMatch(id))
                return AdminAuthorization.Problem(400, "bad id", "id must be 1-64 characters: lowercase letters, digits, '-' or '_', starting with a letter or digit (e.g. repeat-buyer).");
            if (http.Request.ContentLength > MaxBodyBytes)
                return AdminAuthorization.Problem(413, "definition too large", $"A tag definition is at most {MaxBodyBytes / 1024} KB; split it into several tags.");
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync(cancellationToken);
            if (body.Length > MaxBodyBytes)
                return AdminAuthorization.Problem(413, "definition too large", $"A tag definition is at most {MaxBodyBytes / 1024} KB; split it into several tags.");
            if (IsYaml(http.Request.ContentType, body))
            {
                if (!YamlDocuments.TryConvertToJson(body, out var json, out var yamlError))
                    return Invalid([new ConditionError("$", yamlError!)]);
                body = json;
            }
            var parsed = ConditionParser.ParseTagDefinition(body);
            if (!parsed.IsValid)
                return Invalid(parsed.Errors);
            var canonical = ConditionWriter.Write(parsed.Value!);
            var document = await store.PutAsync(http.Tenant(), TagCatalog.Kind, id, canonical, "admin", cancellationToken);
            return Results.Ok(View(document));
        });

        group.MapDelete("/{id}", async (HttpContext http, string id, DefinitionStore store, CancellationToken cancellationToken) =>
        {
            if (store.Get(http.Tenant(), TagCatalog.Kind, id) is null)
                return AdminAuthorization.Problem(404, "unknown tag", $"No tag definition '{id}' in tenant '{http.Tenant()}'.");
            await store.DeleteAsync(http.Tenant(), TagCatalog.Kind, id, "admin", cancellationToken);
            return Results.NoContent();
        });
    }

    private static IResult Invalid(IReadOnlyList<ConditionError> errors) => Results.Problem(
        statusCode: 400,
        title: "invalid tag definition",
        detail: string.Join("; ", errors.Select(e => e.ToString())),
        extensions: new Dictionary<string, object?> { ["errors"] = errors.Select(e => new { path = e.Path, message = e.Message }).ToList() });

    private static bool IsYaml(string? contentType, string body) =>
        contentType?.Contains("yaml", StringComparison.OrdinalIgnoreCase) == true
        || (contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true && !body.TrimStart().StartsWith('{'));

    private static object View(DefinitionDocument document) => new
    {
        id = document.Id,
        version = document.Version,
        updatedAt = document.UpdatedAt,
        updatedBy = document.UpdatedBy,
        definition = JsonNode.Parse(document.Body),
    };

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex IdPattern();
}
