using System.Text;
using System.Text.Json;

namespace Streaming.Dispatch.Providers;

/// <summary>
/// A signed POST to a receiver (a CRM, a call centre: how a call task reaches them). Body:
/// <c>{"requestId","tenant","personId","target","subject","text","data"}</c>; headers per
/// <see cref="WebhookSignature"/>.
/// </summary>
public sealed class WebhookProvider(string name, ProviderOptions options, HttpClient http, TimeProvider time) : HttpMessageProvider(name, options, http)
{
    protected override HttpRequestMessage Build(OutgoingMessage message)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            requestId = message.RequestId,
            tenant = message.Tenant,
            personId = message.PersonId,
            target = message.Address,
            subject = message.Subject,
            text = message.Text,
            data = message.Data,
        });
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = Encoding.UTF8.WebName };
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, WebhookSignature.Sign(Options.Secret!, timestamp, body));
        return request;
    }
}
