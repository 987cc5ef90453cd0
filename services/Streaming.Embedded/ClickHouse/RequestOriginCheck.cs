using System.Net;
using Microsoft.AspNetCore.Http;

namespace Streaming.Embedded.ClickHouse;

/// <summary>
/// Refuses what a web page in a browser on the same machine could send: a request carrying a
/// foreign <c>Origin</c> (CSRF: a form or fetch from another site), a browser's cross-site
/// <c>Sec-Fetch-Site</c>, or a <c>Host</c> that is a DNS name other than localhost (DNS
/// rebinding: a name of the attacker's that resolves to 127.0.0.1). ClickHouse.Driver, curl and
/// BI tools send no Origin and address the endpoint by IP or localhost, so they pass. Used by the
/// ClickHouse and the Schema Registry endpoints.
/// </summary>
internal static class RequestOriginCheck
{
    /// <summary>Null when the request may proceed; else why it is refused.</summary>
    public static string? Refusal(HttpRequest request)
    {
        var host = request.Host;
        if (host.HasValue && !IsOwnHost(host))
        {
            return $"the Host header '{host}' is not this endpoint (an IP address or localhost): "
                + "requests for other names are refused so a web page cannot reach the endpoint through DNS rebinding";
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !string.Equals(origin, "http://" + host.Value, StringComparison.OrdinalIgnoreCase))
        {
            return $"requests from the web origin '{origin}' are refused: the endpoint serves programs (drivers, Kafka clients, curl, BI tools), "
                + "not pages of other sites";
        }

        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0 && fetchSite is not ("same-origin" or "none"))
        {
            return $"a browser sent this request on behalf of another site (Sec-Fetch-Site: {fetchSite}); it is refused";
        }

        return null;
    }

    private static bool IsOwnHost(HostString host)
    {
        // An IP literal is never a rebinding: a page elsewhere is another origin and its browser sends Origin.
        // Any port: a TCP forwarder or tunnel in front of the endpoint names its own.
        return host.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host.Host.Trim('[', ']'), out _);
    }
}
