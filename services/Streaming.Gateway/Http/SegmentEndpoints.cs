using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Streaming.Gateway.Ingestion;
using Streaming.Gateway.Pipeline;

namespace Streaming.Gateway.Http;

/// <summary>
/// The Segment-compatible HTTP API: <c>/v1/batch</c> and the single calls, plus the one-letter
/// paths analytics.js (analytics-next) posts to (<c>/v1/t</c>, <c>/v1/b</c>, ...). analytics.js sends
/// <c>text/plain</c> bodies with the write key inside, cross-origin: any content type is read as
/// JSON and every answer carries the cross-origin headers of <see cref="SegmentCors"/>.
/// </summary>
public static class SegmentEndpoints
{
    private static readonly (string Path, IngestCall Call)[] Routes =
    [
        ("batch", IngestCall.Batch), ("b", IngestCall.Batch), ("import", IngestCall.Batch),
        ("track", IngestCall.Track), ("t", IngestCall.Track),
        ("identify", IngestCall.Identify), ("i", IngestCall.Identify),
        ("page", IngestCall.Page), ("p", IngestCall.Page),
        ("screen", IngestCall.Screen), ("s", IngestCall.Screen),
        ("group", IngestCall.Group), ("g", IngestCall.Group),
        ("alias", IngestCall.Alias), ("a", IngestCall.Alias),
    ];

    public static IEndpointRouteBuilder MapSegmentApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        foreach (var (path, call) in Routes)
        {
            v1.MapPost(path, context => IngestAsync(context, call)).WithName($"segment-{path}");
            v1.MapMethods(path, ["OPTIONS"], SegmentCors.AnswerPreflight);
        }
        return app;
    }

    private static async Task IngestAsync(HttpContext context, IngestCall call)
    {
        var started = Stopwatch.GetTimestamp();
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var pipeline = services.GetRequiredService<IngestPipeline>();
        SegmentCors.AddToAnswer(context);

        using var body = await RequestBody.ReadAsync(context.Request, options.MaxRequestBytes, context.RequestAborted);
        IngestResult result;
        if (body.TooLarge)
        {
            result = ParseBodyStep.RequestTooLarge(options);
        }
        else if (body.UnsupportedEncoding)
        {
            result = new IngestFailure(IngestFailureKind.BadRequest, "unsupported_encoding",
                "The body's Content-Encoding is not supported or the gzip data is corrupt: send plain JSON or Content-Encoding: gzip.");
        }
        else
        {
            var request = new IngestRequest(body.Memory, call, BasicAuthUser(context.Request),
                context.Connection.RemoteIpAddress, context.Request.Headers["X-Forwarded-For"].ToString());
            result = await pipeline.IngestAsync(request, context.RequestAborted);
        }
        await HttpAnswers.WriteAsync(context, result);
        services.GetRequiredService<GatewayMetrics>().Latency(Stopwatch.GetElapsedTime(started).TotalMilliseconds, "http");
    }

    /// <summary>The write key Segment SDKs send: the Basic-auth user name (the password is empty).</summary>
    internal static string? BasicAuthUser(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            return null;
        return BasicUser(header.AsSpan(6).Trim());
    }

    internal static string? BasicUser(ReadOnlySpan<char> base64)
    {
        Span<byte> decoded = stackalloc byte[256];
        if (base64.Length > 340 || !Convert.TryFromBase64Chars(base64, decoded, out var length))
            return null;
        var text = Encoding.UTF8.GetString(decoded[..length]);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? text : text[..colon];
    }
}
