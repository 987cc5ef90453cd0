using System.Text.Json;
using System.Text.Json.Nodes;
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
public static class TemplatesApi
{
    private static readonly DefinitionNoun Noun = new(TemplateDefinition.Kind, "template", "cart-reminder", "move long content into several templates");

    public static void MapTemplatesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/definitions/templates").RequireApiKey(read: ApiPermission.DefinitionsRead, write: ApiPermission.DefinitionsWrite)
            .MapDefinitionReads(Noun);

        group.MapPut("/{id}", async (HttpContext http, string id, DefinitionStore store, CancellationToken cancellationToken) =>
        {
            var body = await DefinitionEndpoints.ReadPutAsync(http, id, Noun, cancellationToken);
            if (body.Refusal is { } refusal)
                return refusal;
            var (template, errors) = TemplateCompiler.Compile(id, body.Text!);
            if (template is null)
                return DefinitionEndpoints.Invalid(Noun, errors.Select(e => (e.Field, e.Message)), "field");
            var canonical = JsonSerializer.Serialize(template.Definition, StreamingJson.Options);
            return Results.Ok(DefinitionEndpoints.View(await store.PutAsync(http.Tenant(), TemplateDefinition.Kind, id, canonical, "admin", cancellationToken)));
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
}
