using System.Net;
using Microsoft.AspNetCore.Http;

namespace Streaming.Embedded.ClickHouse;

/// <summary>
/// Refuses what a web page in a browser on the same machine could send: a request carrying a
/// foreign <c>Origin</c> (CSRF: a form or fetch from another site), a browser's cross-site
/// <c>Sec-Fetch-Site</c>, or a <c>Host</c> that is a DNS name other than localhost (DNS
/// rebinding: a name of the attacker's that resolves to 127.0.0.1). ClickHouse.Driver, curl and
/// BI tools send no Origin and address the endpoint by IP or localhost, so they pass.
/// </summary>
internal static class RequestOriginCheck
{
    /// <summary>Null when the request may proceed; else why it is refused.</summary>
    public static string? Refusal(HttpRequest request, int port)
    {
        var host = request.Host;
        if (host.HasValue && !IsOwnHost(host, port))
        {
            return $"the Host header '{host}' is not this endpoint (127.0.0.1, localhost or the address it listens on, port {port}): "
                + "requests for other names are refused so a web page cannot reach the endpoint through DNS rebinding";
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !string.Equals(origin, "http://" + host.Value, StringComparison.OrdinalIgnoreCase))
        {
            return $"requests from the web origin '{origin}' are refused: the endpoint serves programs (ClickHouse drivers, curl, BI tools), "
                + "not pages of other sites";
        }

        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0 && fetchSite is not ("same-origin" or "none"))
        {
            return $"a browser sent this request on behalf of another site (Sec-Fetch-Site: {fetchSite}); it is refused";
        }

        return null;
    }

    private static bool IsOwnHost(HostString host, int port)
    {
        if ((host.Port ?? 80) != port)
        {
            return false;
        }

        // An IP literal is never a rebinding: the browser would treat it as another origin and send Origin.
        return host.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host.Host.Trim('[', ']'), out _);
    }
}
