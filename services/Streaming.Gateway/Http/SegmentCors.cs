using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Streaming.Gateway.Http;

/// <summary>
/// Cross-origin rules for the Segment-compatible <c>/v1/*</c> endpoints, which web pages call
/// from any origin with analytics.js. The write key is public by design in a browser and no
/// cookie or other ambient credential authorises anything here, so the page's origin is
/// reflected (with credentials allowed, as <c>credentials: 'include'</c> needs) and every header
/// the Segment SDKs send is allowed. The admin API (<c>/api/*</c>) gets none of this: a browser
/// can never call it cross-origin.
/// </summary>
public static class SegmentCors
{
    /// <summary>Request headers the Segment SDKs send: analytics.js adds X-Retry-Count on every retry.</summary>
    public const string AllowedHeaders = "Authorization, Content-Type, Content-Encoding, X-Retry-Count";

    /// <summary>Response headers a script may read: analytics.js waits as long as Retry-After says after a 429.</summary>
    public const string ExposedHeaders = "Retry-After";

    /// <summary>Headers for an actual request's answer (any status, so the SDK can read errors too).</summary>
    public static void AddToAnswer(HttpContext context)
    {
        var headers = context.Response.Headers;
        AllowOrigin(context.Request, headers);
        headers.AccessControlExposeHeaders = ExposedHeaders;
    }

    /// <summary>Answers a preflight (OPTIONS) request.</summary>
    public static Task AnswerPreflight(HttpContext context)
    {
        var headers = context.Response.Headers;
        AllowOrigin(context.Request, headers);
        headers.AccessControlAllowMethods = "POST, OPTIONS";
        headers.AccessControlAllowHeaders = AllowedHeaders;
        headers.AccessControlMaxAge = "86400";
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    private static void AllowOrigin(HttpRequest request, IHeaderDictionary headers)
    {
        var origin = request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin) || origin == "null")
        {
            // No origin to reflect (server-side SDKs, curl, sandboxed frames): any origin may read,
            // without credentials, as before.
            headers.AccessControlAllowOrigin = "*";
        }
        else
        {
            headers.AccessControlAllowOrigin = origin;
            headers.AccessControlAllowCredentials = "true";
        }

        // The answer differs by Origin: a shared cache must not hand one site's answer to another.
        headers.Append(HeaderNames.Vary, "Origin");
    }
}
