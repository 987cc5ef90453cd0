using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Streaming.Dispatch.Providers;

/// <summary>The one reading of an HTTP provider's answer: 2xx accepted, 408/429/5xx transient (with Retry-After), other 4xx rejected.</summary>
internal static class HttpProviderAnswers
{
    /// <summary>Names under which providers return their message id in a JSON answer.</summary>
    private static readonly string[] IdFields = ["id", "sid", "message_id", "messageId", "name", "msgid"];

    public static async Task<ProviderAnswer> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
            return ProviderAnswer.Accepted(await MessageIdAsync(response, cancellationToken));
        var reason = $"HTTP {status} {response.ReasonPhrase}".TrimEnd();
        if (response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || status >= 500)
            return ProviderAnswer.Transient(reason, RetryAfter(response));
        return ProviderAnswer.Rejected(reason);
    }

    public static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } retryAfter)
            return null;
        if (retryAfter.Delta is { } delta)
            return delta;
        return retryAfter.Date is { } date ? Max(date - DateTimeOffset.UtcNow, TimeSpan.Zero) : null;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static async Task<string?> MessageIdAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (text.Length == 0 || text.Length > 64 * 1024)
            return null;
        try
        {
            using var json = JsonDocument.Parse(text);
            return FindId(json.RootElement, depth: 0);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? FindId(JsonElement element, int depth)
    {
        if (depth > 3)
            return null;
        if (element.ValueKind == JsonValueKind.Array)
            return element.GetArrayLength() > 0 ? FindId(element[0], depth + 1) : null;
        if (element.ValueKind != JsonValueKind.Object)
            return null;
        foreach (var field in IdFields)
        {
            if (element.TryGetProperty(field, out var value))
                return value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
        }
        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && FindId(property.Value, depth + 1) is { } nested)
                return nested;
        }
        return null;
    }

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
