using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Streaming.Analytics.Queries;
using Streaming.ServiceDefaults.Admin;

namespace Streaming.Analytics.Api;

/// <summary>
/// Reads a request body into its record, so that a body of the wrong shape (a number where a list
/// belongs, a date that is not one, more than <see cref="RequestLimits.MaxBodyBytes"/>) answers a
/// 4xx naming the part, not the framework's empty 400 (or a 500 further on).
/// </summary>
internal static class JsonRequest
{
    public static async Task<(T? Value, IResult? Failure)> ReadAsync<T>(HttpContext http, CancellationToken cancellationToken) where T : class
    {
        if (http.Request.ContentLength > RequestLimits.MaxBodyBytes)
            return (null, TooLarge());
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > RequestLimits.MaxBodyBytes)
                return (null, TooLarge());
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0)
            return (null, Bad("the body is empty; send the request as a JSON object (see docs/analytics.md)."));
        var options = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), options);
            return value is null ? (null, Bad("the body must be a JSON object, not null.")) : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, Bad($"the body does not fit at {ex.Path ?? "$"}: {FirstSentence(ex.Message)} Check the type of that field (docs/analytics.md)."));
        }
        catch (InvalidOperationException ex)
        {
            // A lone surrogate escape ("\ud800") in a text field: valid JSON, but no .NET string.
            return (null, Bad($"the body has text that is not valid Unicode ({FirstSentence(ex.Message)}); send the text as UTF-8."));
        }
    }

    // System.Text.Json appends "Path: .. | LineNumber: .." to its messages; the path is given separately.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static IResult TooLarge() => AdminAuthorization.Problem(StatusCodes.Status413PayloadTooLarge, "request too large",
        $"An analytics request is at most {RequestLimits.MaxBodyBytes / 1024} KB; a query that needs more is better split or saved as a tag.");

    public static IResult Bad(string detail) => AdminAuthorization.Problem(StatusCodes.Status400BadRequest, "bad analytics query", detail);
}
