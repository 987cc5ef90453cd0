using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Messaging;

namespace Streaming.Dispatch.Tracking;

/// <summary>
/// The signed links of one message on the gateway's public port: the unsubscribe link and open pixel a
/// template can place (<c>links.unsubscribe</c>, <c>links.open_pixel</c>), and every http(s) link of a
/// rendered text or HTML rewritten to a click link (<c>/m/c/{token}</c>) that redirects to it.
/// Without <see cref="DispatchOptions.TrackingKey"/> nothing is rewritten and no links are offered.
/// </summary>
public sealed partial class TrackedLinks(IOptions<DispatchOptions> options)
{
    private readonly string? _key = options.Value.TrackingKey;
    private readonly string _base = options.Value.TrackingBaseUrl.TrimEnd('/');

    public bool Enabled => _key is not null;

    public IReadOnlyDictionary<string, string> For(DispatchRequest request) => _key is null
        ? new Dictionary<string, string>()
        : new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["unsubscribe"] = Link(TrackingToken.Unsubscribe, request, null),
            ["open_pixel"] = Link(TrackingToken.Open, request, null),
        };

    /// <summary>Rewrites every http(s) link of <paramref name="text"/> that is not already one of ours into a click link.</summary>
    public string? Rewrite(string? text, DispatchRequest request)
    {
        if (_key is null || string.IsNullOrEmpty(text))
            return text;
        return UrlPattern().Replace(text, m => m.Value.StartsWith(_base + "/m/", StringComparison.Ordinal) ? m.Value : Link(TrackingToken.Click, request, m.Value));
    }

    private string Link(string kind, DispatchRequest request, string? url) =>
        $"{_base}/m/{kind}/{new TrackingToken(kind, request.Tenant, request.RequestId, request.PersonId, request.Channel, request.JourneyId, url).Sign(_key!)}";

    [GeneratedRegex("""https?://[^\s"'<>]+""")]
    private static partial Regex UrlPattern();
}
