using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Messaging;

namespace Streaming.Gateway.Http;

/// <summary>
/// The tracked links of sent messages, on the public port: <c>GET /m/o/{token}</c> (open pixel),
/// <c>GET /m/c/{token}</c> (click: redirects to the link the token signs, so nothing else can be
/// redirected to), <c>GET|POST /m/u/{token}</c> (unsubscribe; POST is RFC 8058 one-click). The signed
/// token is the authentication. Each becomes a receipt on messages.receipts AND an event
/// (<c>Message Opened</c>, <c>Message Clicked</c>, <c>Unsubscribed</c>) on events.raw, the normal event
/// path: it names the person the message went to in the <see cref="PersonHeader"/>, so identity
/// attributes it to that person (or whom it was merged into) and fences it like any event, and
/// profiles and analytics count it. Both carry one id derived from the message and the action, so a
/// repeated open or click of the same link is counted once.
/// </summary>
public static class TrackedLinkEndpoints
{
    public const string OpenedEvent = "Message Opened";
    public const string ClickedEvent = "Message Clicked";
    public const string UnsubscribedEvent = "Unsubscribed";

    // A transparent 1x1 GIF.
    private static readonly byte[] Pixel = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    public static IEndpointRouteBuilder MapTrackedLinks(this IEndpointRouteBuilder app)
    {
        var links = app.MapGroup("/m");
        links.MapGet("/o/{token}", (HttpContext http, string token) => RecordAsync(http, token, TrackingToken.Open));
        links.MapGet("/c/{token}", (HttpContext http, string token) => RecordAsync(http, token, TrackingToken.Click));
        links.MapGet("/u/{token}", (HttpContext http, string token) => RecordAsync(http, token, TrackingToken.Unsubscribe));
        links.MapPost("/u/{token}", (HttpContext http, string token) => RecordAsync(http, token, TrackingToken.Unsubscribe));
        return app;
    }

    private static async Task<IResult> RecordAsync(HttpContext http, string token, string kind)
    {
        var services = http.RequestServices;
        var key = services.GetRequiredService<IOptions<GatewayOptions>>().Value.TrackingKey;
        if (key is null || TrackingToken.Verify(key, token) is not { } link || link.Kind != kind || (kind == TrackingToken.Click && !IsWebUrl(link.Url)))
            return Results.NotFound();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds();
        var (status, eventName) = kind switch
        {
            TrackingToken.Open => (ReceiptStatus.Opened, OpenedEvent),
            TrackingToken.Click => (ReceiptStatus.Clicked, ClickedEvent),
            _ => (ReceiptStatus.Unsubscribed, UnsubscribedEvent),
        };
        var id = DeterministicId.From("tracked", link.Tenant, link.RequestId, status, link.Url ?? "");
        var personKey = PartitionKey.For(link.Tenant, link.PersonId);
        var receipt = new MessageReceipt
        {
            ReceiptId = id,
            RequestId = link.RequestId,
            Tenant = link.Tenant,
            PersonId = link.PersonId,
            Channel = link.Channel,
            Status = status,
            JourneyId = link.JourneyId,
            At = now,
        };
        var trackingEvent = new TrackingEvent
        {
            MessageId = id,
            Type = "track",
            Event = eventName,
            Tenant = link.Tenant,
            Source = "dispatch",
            UserId = null,
            Timestamp = now,
            ReceivedAt = now,
            Properties = JsonSerializer.Serialize(new Dictionary<string, string?>
            {
                ["requestId"] = link.RequestId,
                ["channel"] = link.Channel,
                ["journeyId"] = link.JourneyId,
                ["url"] = link.Url,
            }),
        };
        await services.GetRequiredService<IEventProducer>().ProduceAllAsync(
        [
            OutboundMessage.Create(TopicCatalog.MessagesReceipts, personKey, receipt),
            OutboundMessage.Create(TopicCatalog.EventsRaw, personKey, trackingEvent) with { Person = link.PersonId },
        ], http.RequestAborted);
        return kind switch
        {
            TrackingToken.Open => Results.File(Pixel, "image/gif"),
            TrackingToken.Click => Results.Redirect(link.Url!),
            _ => Results.Content("<!doctype html><title>Unsubscribed</title><p>You are unsubscribed and will get no more of these messages.</p>", "text/html"),
        };
    }

    private static bool IsWebUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
