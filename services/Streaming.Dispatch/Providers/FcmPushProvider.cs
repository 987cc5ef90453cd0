using System.Net.Http.Json;

namespace Streaming.Dispatch.Providers;

/// <summary>
/// Push through an FCM HTTP v1-compatible endpoint (<c>POST .../v1/projects/{project}/messages:send</c>,
/// body <c>{"message":{"token","notification":{"title","body"},"data"}}</c>, <c>Authorization: Bearer</c>
/// from configuration). FCM answers <c>{"name": "projects/.../messages/..."}</c>: that is the message id.
/// </summary>
public sealed class FcmPushProvider(string name, ProviderOptions options, HttpClient http) : HttpMessageProvider(name, options, http)
{
    protected override HttpRequestMessage Build(OutgoingMessage message) => new(HttpMethod.Post, Url)
    {
        Content = JsonContent.Create(new
        {
            message = new
            {
                token = message.Address,
                notification = new { title = message.Title ?? message.Subject ?? "", body = message.Text },
                data = message.Data.Append(new("request_id", message.RequestId)).ToDictionary(),
            },
        }),
    };
}
