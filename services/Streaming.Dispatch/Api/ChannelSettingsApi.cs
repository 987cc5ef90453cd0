using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Dispatch.Channels;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Admin;
using Streaming.ServiceDefaults.Definitions;

namespace Streaming.Dispatch.Api;

/// <summary>
/// A tenant's channel settings: <c>PUT /api/definitions/channels/{channel}</c> (validated: 400 names every
/// wrong field and the fix; a credential in the body is refused), <c>GET</c> one or all, <c>DELETE</c> (back
/// to the instance's configured providers). Writing routes the tenant's messages, and with them contact
/// points, to other providers: tenant admins only.
/// </summary>
public static class ChannelSettingsApi
{
    private const int MaxBodyBytes = 64 * 1024;

    public static void MapChannelSettingsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/definitions/channels").RequireApiKey(read: ApiPermission.DefinitionsRead, write: ApiPermission.TenantAdmin);

        group.MapGet("/", (HttpContext http, DefinitionStore store) =>
            Results.Ok(store.List(ChannelSettings.Kind, http.Tenant()).Select(View)));

        group.MapGet("/{channel}", (HttpContext http, string channel, DefinitionStore store) =>
            store.Get(http.Tenant(), ChannelSettings.Kind, channel) is { } document
                ? Results.Ok(View(document))
                : AdminAuthorization.Problem(404, "no channel settings", $"Tenant '{http.Tenant()}' has no settings for channel '{channel}': it sends through the instance's providers (Dispatch:Providers)."));

        group.MapPut("/{channel}", async (HttpContext http, string channel, DefinitionStore store, IOptions<DispatchOptions> options, CancellationToken cancellationToken) =>
        {
            if (!TopicCatalog.Channels.Contains(channel))
                return AdminAuthorization.Problem(400, "unknown channel", $"channel: '{channel}' is not a channel; use {string.Join(", ", TopicCatalog.Channels)}.");
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync(cancellationToken);
            if (body.Length > MaxBodyBytes)
                return AdminAuthorization.Problem(413, "channel settings too large", $"Channel settings are at most {MaxBodyBytes / 1024} KB.");
            var (settings, errors) = ChannelSettings.Parse(channel, body, options.Value.Credentials);
            if (settings is null)
            {
                return Results.Problem(statusCode: 400, title: "invalid channel settings",
                    detail: string.Join(" ", errors.Select(e => $"{e.Field}: {e.Message}.")),
                    extensions: new Dictionary<string, object?> { ["errors"] = errors.Select(e => new { field = e.Field, message = e.Message }).ToList() });
            }
            var canonical = JsonSerializer.Serialize(settings, StreamingJson.Options);
            return Results.Ok(View(await store.PutAsync(http.Tenant(), ChannelSettings.Kind, channel, canonical, "admin", cancellationToken)));
        });

        group.MapDelete("/{channel}", async (HttpContext http, string channel, DefinitionStore store, CancellationToken cancellationToken) =>
        {
            if (store.Get(http.Tenant(), ChannelSettings.Kind, channel) is null)
                return AdminAuthorization.Problem(404, "no channel settings", $"Tenant '{http.Tenant()}' has no settings for channel '{channel}'.");
            await store.DeleteAsync(http.Tenant(), ChannelSettings.Kind, channel, "admin", cancellationToken);
            return Results.NoContent();
        });
    }

    private static object View(DefinitionDocument document) => new
    {
        channel = document.Id,
        version = document.Version,
        updatedAt = document.UpdatedAt,
        definition = JsonNode.Parse(document.Body),
    };
}
