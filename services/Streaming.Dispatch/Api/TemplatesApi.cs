using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Streaming.Contracts.Records;
using Streaming.Dispatch.Templates;
using Streaming.Dispatch.Tracking;
using Streaming.Dispatch.Traits;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Admin;
using Streaming.ServiceDefaults.Definitions;

namespace Streaming.Dispatch.Api;

/// <summary>
/// Templates: <c>PUT /api/definitions/templates/{id}</c> (validated: 400 names every syntax error and
/// unknown variable), <c>GET</c> one or all, <c>DELETE</c>; and <c>POST /api/templates/{id}/preview
/// {"personId": .., "variables": {..}}</c>, which renders it for a real person's traits.
/// </summary>
public static partial class TemplatesApi
{
    private const int MaxBodyBytes = 64 * 1024;

    public static void MapTemplatesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/definitions/templates").RequireApiKey(read: ApiPermission.DefinitionsRead, write: ApiPermission.DefinitionsWrite);

        group.MapGet("/", (HttpContext http, DefinitionStore store) =>
            Results.Ok(store.List(TemplateDefinition.Kind, http.Tenant()).Select(View)));

        group.MapGet("/{id}", (HttpContext http, string id, DefinitionStore store) =>
            store.Get(http.Tenant(), TemplateDefinition.Kind, id) is { } document
                ? Results.Ok(View(document))
                : AdminAuthorization.Problem(404, "unknown template", $"No template '{id}' in tenant '{http.Tenant()}'."));

        group.MapPut("/{id}", async (HttpContext http, string id, DefinitionStore store, CancellationToken cancellationToken) =>
        {
            if (!IdPattern().IsMatch(id))
                return AdminAuthorization.Problem(400, "bad id", "id must be 1-64 characters: lowercase letters, digits, '-' or '_', starting with a letter or digit (e.g. cart-reminder).");
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync(cancellationToken);
            if (body.Length > MaxBodyBytes)
                return AdminAuthorization.Problem(413, "template too large", $"A template is at most {MaxBodyBytes / 1024} KB.");
            var (template, errors) = TemplateCompiler.Compile(id, body);
            if (template is null)
                return Invalid(errors);
            var canonical = JsonSerializer.Serialize(template.Definition, StreamingJson.Options);
            return Results.Ok(View(await store.PutAsync(http.Tenant(), TemplateDefinition.Kind, id, canonical, "admin", cancellationToken)));
        });

        group.MapDelete("/{id}", async (HttpContext http, string id, DefinitionStore store, CancellationToken cancellationToken) =>
        {
            if (store.Get(http.Tenant(), TemplateDefinition.Kind, id) is null)
                return AdminAuthorization.Problem(404, "unknown template", $"No template '{id}' in tenant '{http.Tenant()}'.");
            await store.DeleteAsync(http.Tenant(), TemplateDefinition.Kind, id, "admin", cancellationToken);
            return Results.NoContent();
        });

        app.MapGroup("/api/templates").RequireApiKey(ApiPermission.IdentityRead) // renders unmasked traits: not for analysts
            .MapPost("/{id}/preview", PreviewAsync);
    }

    private static async Task<IResult> PreviewAsync(HttpContext http, string id, TemplateCatalog templates, PersonTraits traits, TrackedLinks links, CancellationToken cancellationToken)
    {
        if (templates.Find(http.Tenant(), id) is not { } template)
            return AdminAuthorization.Problem(404, "unknown template", $"No template '{id}' in tenant '{http.Tenant()}'; create it with PUT /api/definitions/templates/{id}.");
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: cancellationToken) as JsonObject;
        }
        catch (JsonException ex)
        {
            return AdminAuthorization.Problem(400, "bad preview request", $"The body is not JSON ({ex.Message}); send {{\"personId\": 42, \"variables\": {{}}}}.");
        }
        if (body?["personId"] is not JsonValue personValue || !personValue.TryGetValue<long>(out var personId))
            return AdminAuthorization.Problem(400, "personId missing", "personId: send the person's numeric id, e.g. {\"personId\": 42}.");
        var vars = body["variables"] as JsonObject ?? [];
        var request = new DispatchRequest
        {
            RequestId = "preview",
            Tenant = http.Tenant(),
            PersonId = personId,
            Channel = template.Definition.Channel,
            TemplateId = id,
        };
        var model = new TemplateModel(personId, await traits.GetAsync(http.Tenant(), personId), vars["event"] as JsonObject ?? [], vars, links.For(request));
        var content = await TemplateRenderer.RenderAsync(template, model);
        return Results.Ok(content);
    }

    private static IResult Invalid(IReadOnlyList<TemplateError> errors) => Results.Problem(
        statusCode: 400,
        title: "invalid template",
        detail: string.Join(" ", errors.Select(e => $"{e.Field}: {e.Message}")),
        extensions: new Dictionary<string, object?> { ["errors"] = errors.Select(e => new { field = e.Field, message = e.Message }).ToList() });

    private static object View(DefinitionDocument document) => new
    {
        id = document.Id,
        version = document.Version,
        updatedAt = document.UpdatedAt,
        definition = JsonNode.Parse(document.Body),
    };

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex IdPattern();
}
