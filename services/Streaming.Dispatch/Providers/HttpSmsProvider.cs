using System.Text;

namespace Streaming.Dispatch.Providers;

/// <summary>
/// SMS through an HTTP provider. <c>generic</c>: a JSON body from <see cref="ProviderOptions.BodyTemplate"/>;
/// presets for two common request shapes: <c>twilio</c> (form-encoded To/From/Body, basic auth with
/// account SID and token, idempotency header <c>I-Twilio-Idempotency-Token</c>) and <c>vonage</c>
/// (JSON from/to/text with api_key/api_secret in the body, <c>client-ref</c> = request id).
/// </summary>
public sealed class HttpSmsProvider(string name, ProviderOptions options, HttpClient http) : HttpMessageProvider(name, options, http)
{
    public const string DefaultBody = """{"to":"{{to}}","from":"{{from}}","text":"{{text}}","reference":"{{request_id}}"}""";

    private readonly JsonBodyTemplate _body = new(options.BodyTemplate ?? DefaultBody);

    protected override HttpRequestMessage Build(OutgoingMessage message)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Url);
        switch (Options.Preset)
        {
            case "twilio":
                request.Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["To"] = message.Address,
                    ["From"] = Options.From ?? "",
                    ["Body"] = message.Text,
                });
                request.Headers.TryAddWithoutValidation("I-Twilio-Idempotency-Token", message.RequestId);
                if (Options.Username is { } sid && Options.Password is { } token)
                    request.Headers.Authorization = Basic(sid, token);
                break;
            case "vonage":
                request.Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string?>
                {
                    ["api_key"] = Options.Username,
                    ["api_secret"] = Options.Password,
                    ["from"] = Options.From,
                    ["to"] = message.Address,
                    ["text"] = message.Text,
                    ["client-ref"] = message.RequestId,
                }), Encoding.UTF8, "application/json");
                break;
            default:
                request.Content = new StringContent(_body.Render(new Dictionary<string, string?>
                {
                    ["to"] = message.Address,
                    ["from"] = Options.From,
                    ["text"] = message.Text,
                    ["request_id"] = message.RequestId,
                }), Encoding.UTF8, "application/json");
                break;
        }
        return request;
    }
}
