using System.Text;

namespace Streaming.Dispatch.Providers;

/// <summary>Push through any HTTP endpoint: a JSON body from <see cref="ProviderOptions.BodyTemplate"/> (over to, title, text, request_id).</summary>
public sealed class HttpPushProvider(string name, ProviderOptions options, HttpClient http) : HttpMessageProvider(name, options, http)
{
    public const string DefaultBody = """{"to":"{{to}}","title":"{{title}}","body":"{{text}}","request_id":"{{request_id}}"}""";

    private readonly JsonBodyTemplate _body = new(options.BodyTemplate ?? DefaultBody);

    protected override HttpRequestMessage Build(OutgoingMessage message) => new(HttpMethod.Post, Url)
    {
        Content = new StringContent(_body.Render(new Dictionary<string, string?>
        {
            ["to"] = message.Address,
            ["title"] = message.Title ?? message.Subject,
            ["text"] = message.Text,
            ["request_id"] = message.RequestId,
        }), Encoding.UTF8, "application/json"),
    };
}
