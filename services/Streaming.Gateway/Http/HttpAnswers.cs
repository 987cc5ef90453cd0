using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Streaming.Gateway.Ingestion;
using Streaming.ServiceDefaults;

namespace Streaming.Gateway.Http;

/// <summary>
/// How results look on HTTP: 200 with <c>{"accepted", "rejected", "warnings"}</c>; failures as
/// <c>{"error": code, "message": what to do, ...}</c> with 400/401/413/429/503 and Retry-After.
/// </summary>
public static class HttpAnswers
{
    public static int StatusOf(IngestFailureKind kind) => kind switch
    {
        IngestFailureKind.BadRequest => StatusCodes.Status400BadRequest,
        IngestFailureKind.Unauthorized => StatusCodes.Status401Unauthorized,
        IngestFailureKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        IngestFailureKind.RateLimited => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status503ServiceUnavailable,
    };

    public static Task WriteAsync(HttpContext context, IngestResult result)
    {
        var response = context.Response;
        response.ContentType = "application/json";
        if (result.Answer is { } answer)
        {
            response.StatusCode = StatusCodes.Status200OK;
            return response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(answer, StreamingJson.Options), context.RequestAborted).AsTask();
        }
        var failure = result.Failure!;
        response.StatusCode = StatusOf(failure.Kind);
        if (failure.RetryAfter is { } retryAfter)
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        if (failure.Kind == IngestFailureKind.Unauthorized)
            response.Headers.WWWAuthenticate = "Basic realm=\"Streaming\"";
        var body = new FailureBody(failure.Code, failure.Message, failure.Limit, failure.LimitValue, failure.Line, failure.BytePositionInLine);
        return response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(body, StreamingJson.Options), context.RequestAborted).AsTask();
    }

    private sealed record FailureBody(string Error, string Message, string? Limit, long? LimitValue, long? Line, long? BytePositionInLine);
}
