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
    private static readonly DefinitionNoun Noun = new(ChannelSettings.Kind, "channel settings", "sms", "move templates out of the settings",
        "the tenant sends through the instance's providers (Dispatch:Providers)");

    public static void MapChannelSettingsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/definitions/channels").RequireApiKey(read: ApiPermission.DefinitionsRead, write: ApiPermission.TenantAdmin)
            .MapDefinitionReads(Noun, View);

        group.MapPut("/{id}", async (HttpContext http, string id, DefinitionStore store, IOptions<DispatchOptions> options, CancellationToken cancellationToken) =>
        {
            var channel = id; // the settings of a channel are stored under the channel's name
            if (!TopicCatalog.Channels.Contains(channel))
                return AdminAuthorization.Problem(400, "unknown channel", $"channel: '{channel}' is not a channel; use {string.Join(", ", TopicCatalog.Channels)}.");
            var body = await DefinitionEndpoints.ReadPutAsync(http, channel, Noun, cancellationToken);
            if (body.Refusal is { } refusal)
                return refusal;
            var (settings, errors) = ChannelSettings.Parse(channel, body.Text!, options.Value.Credentials);
            if (settings is null)
                return DefinitionEndpoints.Invalid(Noun, errors.Select(e => (e.Field, e.Message)), "field");
            var canonical = JsonSerializer.Serialize(settings, StreamingJson.Options);
            return Results.Ok(View(await store.PutAsync(http.Tenant(), ChannelSettings.Kind, channel, canonical, "admin", cancellationToken)));
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
