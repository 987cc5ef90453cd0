using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.ServiceDefaults.Http;

/// <summary>
/// An API call that meets a dependency that is down or too slow (Redis, ClickHouse, Kafka: the
/// failures <see cref="TransientFailures"/> names) answers 503 with <c>Retry-After</c> and a reason,
/// not 500: the request was fine and will work once the dependency answers. Logged at Warning
/// without a stack trace, because the dependency's own health check already says what is wrong.
/// </summary>
public sealed class DependencyOutageResponses(RequestDelegate next, ILogger<DependencyOutageResponses> logger)
{
    public const int RetryAfterSeconds = 2;

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (TransientFailures.IsTransient(ex) && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            logger.LogWarning("{Method} {Path} answered 503: a dependency is unavailable ({Reason})",
                context.Request.Method, context.Request.Path.Value, Reason(ex));
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new
            {
                error = "A dependency of this service is unavailable or too slow right now; retry after "
                    + RetryAfterSeconds + " s. /readyz shows which one.",
            }, StreamingJson.Options));
        }
    }

    /// <summary>The innermost message: the one that names the dependency.</summary>
    private static string Reason(Exception exception)
    {
        while (exception.InnerException is not null && exception is AggregateException or DependencyUnavailableException)
            exception = exception.InnerException;
        var message = exception.Message;
        return message.Length <= 200 ? message : message[..200] + "…";
    }
}
