using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Polly;
using Streaming.ServiceDefaults.Resilience;

namespace Streaming.Cli.Import;

/// <summary>
/// Posts events to the gateway's Segment-compatible <c>/v1/batch</c> through the <c>http</c>
/// resilience pipeline: network errors, 429 and 503 are retried (429/503 after their Retry-After).
/// </summary>
internal sealed class GatewayClient(HttpClient http, Uri gateway, string writeKey, ResiliencePipeline<HttpResponseMessage>? pipeline = null)
{
    private readonly ResiliencePipeline<HttpResponseMessage> _posts = pipeline
        ?? ResiliencePipelines.CreateProvider(new ResilienceOptions()).GetPipeline<HttpResponseMessage>(ResiliencePipelines.Http);

    /// <summary>Posts one batch; answers the events the gateway refused (messageId and reasons), which a 200 reports per event.</summary>
    public async Task<IReadOnlyList<string>> PostAsync(IReadOnlyList<JsonObject> events, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["batch"] = new JsonArray(events.Select(e => (JsonNode)e.DeepClone()).ToArray()) }.ToJsonString();
        HttpResponseMessage response;
        try
        {
            response = await _posts.ExecuteAsync(async token =>
            {
                // A request is sent once; every attempt builds its own.
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "v1/batch"))
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));
                return await http.SendAsync(request, token);
            }, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new ImportException($"The gateway at {gateway} cannot be reached ({ex.Message}); is it running? Pass --gateway <url>.");
        }
        using (response)
        {
            if (response.IsSuccessStatusCode)
                return Refused(events, await response.Content.ReadAsStringAsync(cancellationToken));
            var detail = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new ImportException(response.StatusCode == HttpStatusCode.Unauthorized
                ? "The gateway refused the write key: pass --write-key <key> or set STREAMING_WRITE_KEY."
                : $"The gateway answered {(int)response.StatusCode}: {detail}");
        }
    }

    /// <summary>One line per refused event: its messageId (the gateway's, else the one sent at that index) and every reason.</summary>
    private static List<string> Refused(IReadOnlyList<JsonObject> events, string answer)
    {
        if (string.IsNullOrWhiteSpace(answer) || JsonNode.Parse(answer) is not JsonObject { } body || body["rejected"] is not JsonArray rejected)
            return [];
        return rejected.OfType<JsonObject>().Select(r =>
        {
            var index = r["index"] is JsonValue i && i.TryGetValue<int>(out var n) && n >= 0 && n < events.Count ? n : -1;
            var messageId = (string?)r["messageId"] is { Length: > 0 } id ? id : index >= 0 ? (string?)events[index]["messageId"] : null;
            var reasons = (r["errors"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(e => (string?)e["field"] is { Length: > 0 } field ? $"{e["code"]} ({field}) {e["message"]}" : $"{e["code"]} {e["message"]}");
            return $"{messageId ?? "event " + index}: {string.Join("; ", reasons)}";
        }).ToList();
    }
}

internal sealed class ImportException(string message) : Exception(message);
