using System.Net.Http.Json;
using System.Text.Json;

namespace Streaming.Dispatch.Providers;

/// <summary>
/// WeChat template/subscribe messages: <c>POST {Url}</c> (the message/subscribe send endpoint, with the
/// access token in the URL or the Authorization header) with <c>{"touser","template_id","data":{k:{"value"}}}</c>.
/// WeChat answers HTTP 200 with <c>errcode</c>: 0 is accepted (<c>msgid</c>), -1 (busy) and 45009 (quota) are
/// transient, anything else a rejection. The credit ledger (<see cref="Delivery.WeChatCredits"/>) is checked before.
/// </summary>
public sealed class WeChatProvider(string name, ProviderOptions options, HttpClient http) : HttpMessageProvider(name, options, http)
{
    protected override HttpRequestMessage Build(OutgoingMessage message) => new(HttpMethod.Post, Url)
    {
        Content = JsonContent.Create(new
        {
            touser = message.Address,
            template_id = message.ProviderTemplateId,
            data = message.Data.ToDictionary(d => d.Key, d => new { value = d.Value }),
            client_msg_id = message.RequestId,
        }),
    };

    /// <summary>Reads WeChat's errcode convention on top of the HTTP status.</summary>
    protected override async Task<ProviderAnswer> ReadAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
            return await HttpProviderAnswers.ReadAsync(response, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var code = root.TryGetProperty("errcode", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 0;
            if (code == 0)
                return ProviderAnswer.Accepted(root.TryGetProperty("msgid", out var id) ? id.ToString() : null);
            var reason = $"wechat errcode {code} {(root.TryGetProperty("errmsg", out var m) ? m.GetString() : "")}".TrimEnd();
            return code is -1 or 45009 ? ProviderAnswer.Transient(reason) : ProviderAnswer.Rejected(reason);
        }
        catch (JsonException)
        {
            return ProviderAnswer.Rejected("wechat answered HTTP 200 without a JSON body");
        }
    }
}
