using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Dispatch.Contacts;
using Streaming.Dispatch.Providers;
using Streaming.Dispatch.Suppression;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Admin;
using Streaming.ServiceDefaults.Kafka;

namespace Streaming.Dispatch.Api;

/// <summary>
/// <c>POST /api/dispatch/callbacks/{provider}</c>: a provider reports what became of a message
/// (<c>delivered</c>, <c>bounced</c>, <c>failed</c>, <c>opened</c>, <c>clicked</c>). Authenticated by the
/// provider's signature, not an API key: <see cref="WebhookSignature"/> over the raw body with the
/// provider's <c>Secret</c>. Body: <c>{"tenant","requestId","personId","channel","status","providerMessageId","error"}</c>.
/// A bounce marks the person's address hard-bounced; every report becomes a receipt.
/// </summary>
public static class CallbacksApi
{
    private const int MaxBodyBytes = 64 * 1024;

    private static readonly HashSet<string> Statuses =
        [ReceiptStatus.Delivered, ReceiptStatus.Bounced, ReceiptStatus.Failed, ReceiptStatus.Opened, ReceiptStatus.Clicked];

    public static void MapCallbacksApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/dispatch/callbacks/{provider}", ReceiveAsync);

    private static async Task<IResult> ReceiveAsync(HttpContext http, string provider, IOptions<DispatchOptions> options, IEventProducer producer,
        ContactVault vault, SuppressionLists lists, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!options.Value.Providers.TryGetValue(provider, out var settings) || settings.Secret is not { Length: > 0 } secret)
            return AdminAuthorization.Problem(404, "unknown provider", $"No provider '{provider}' with a Secret is configured (Dispatch:Providers:{provider}:Secret).");
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxBodyBytes)
            return AdminAuthorization.Problem(413, "callback too large", $"A callback is at most {MaxBodyBytes / 1024} KB.");
        var body = buffer.ToArray();
        if (!WebhookSignature.Verify(secret, http.Request.Headers[WebhookSignature.TimestampHeader], http.Request.Headers[WebhookSignature.SignatureHeader],
                body, time.GetUtcNow(), TimeSpan.FromMinutes(5)))
        {
            return AdminAuthorization.Problem(401, "bad signature",
                $"Sign the raw body: {WebhookSignature.TimestampHeader}: <unix seconds>, {WebhookSignature.SignatureHeader}: v1=hex(HMAC-SHA256(secret, timestamp + '.' + body)), within 5 minutes (docs/dispatch.md).");
        }
        Report? report;
        try
        {
            report = JsonSerializer.Deserialize<Report>(body, StreamingJson.Options);
        }
        catch (JsonException ex)
        {
            return AdminAuthorization.Problem(400, "bad callback", $"The body is not a callback JSON ({ex.Message}).");
        }
        if (report is null || string.IsNullOrEmpty(report.RequestId) || !AdminAuthorization.IsValidTenant(report.Tenant ?? "") || !TopicCatalog.Channels.Contains(report.Channel ?? ""))
            return AdminAuthorization.Problem(400, "bad callback", "tenant, requestId, personId and channel are required (the request id is the idempotency key the message was sent with).");
        if (!Statuses.Contains(report.Status ?? ""))
            return AdminAuthorization.Problem(400, "bad status", $"status must be one of {string.Join(", ", Statuses)}.");
        if (report.Status == ReceiptStatus.Bounced && vault.Enabled
            && await vault.GetAsync(report.Tenant!, report.PersonId, ContactKinds.ForChannel(report.Channel!)) is { } address)
        {
            await lists.MarkBouncedAsync(report.Tenant!, address);
        }
        var receipt = new MessageReceipt
        {
            ReceiptId = DeterministicId.From("receipt", report.Tenant!, report.RequestId, report.Status!, report.ProviderMessageId ?? ""),
            RequestId = report.RequestId,
            Tenant = report.Tenant!,
            PersonId = report.PersonId,
            Channel = report.Channel!,
            Status = report.Status!,
            ProviderMessageId = report.ProviderMessageId,
            Error = report.Error,
            At = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        await producer.ProduceAsync(TopicCatalog.MessagesReceipts, PartitionKey.For(receipt.Tenant, receipt.PersonId), receipt, cancellationToken);
        return Results.Accepted();
    }

    private sealed record Report(string? Tenant, string RequestId, long PersonId, string? Channel, string? Status, string? ProviderMessageId, string? Error);
}
