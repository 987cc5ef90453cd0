using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Streaming.Gateway.Enrichment;

/// <summary>
/// The client's address: the connection's peer, or — only when that peer is a configured trusted
/// proxy — the right-most X-Forwarded-For entry that is not itself a trusted proxy. Optionally
/// anonymised (host part zeroed) before it is stored anywhere.
/// </summary>
public sealed class ClientIp
{
    private readonly (IPAddress Network, int PrefixLength)[] _trusted;
    private readonly bool _anonymize;

    public ClientIp(IOptions<GatewayOptions> options)
    {
        _anonymize = options.Value.AnonymizeIp;
        _trusted = [.. options.Value.TrustedProxies.Select(p => TryParseRange(p, out var range) ? range : throw new ArgumentException($"Bad trusted proxy '{p}'."))];
    }

    public IPAddress? Resolve(IPAddress? peer, string? forwardedFor)
    {
        if (peer is null)
            return null;
        var client = Normalize(peer);
        if (IsTrusted(client) && !string.IsNullOrWhiteSpace(forwardedFor))
        {
            var hops = forwardedFor.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            for (var i = hops.Length - 1; i >= 0; i--)
            {
                if (!IPAddress.TryParse(hops[i], out var hop))
                    break;
                client = Normalize(hop);
                if (!IsTrusted(client))
                    break;
            }
        }
        return _anonymize ? Anonymize(client) : client;
    }

    /// <summary>Anonymises an address the sender put in <c>context.ip</c>, when anonymisation is on.</summary>
    public string? Clean(string? senderIp)
    {
        if (senderIp is null || !_anonymize)
            return senderIp;
        return IPAddress.TryParse(senderIp, out var address) ? Anonymize(Normalize(address)).ToString() : null;
    }

    public static IPAddress Anonymize(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        var keep = address.AddressFamily == AddressFamily.InterNetwork ? 3 : 6;
        Array.Clear(bytes, keep, bytes.Length - keep);
        return new IPAddress(bytes);
    }

    public static bool TryParseRange(string text, out (IPAddress Network, int PrefixLength) range)
    {
        range = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText.Trim(), out var address))
            return false;
        address = Normalize(address);
        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = max;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], out prefix) || prefix < 0 || prefix > max))
            return false;
        range = (address, prefix);
        return true;
    }

    private bool IsTrusted(IPAddress address)
    {
        foreach (var (network, prefix) in _trusted)
        {
            if (InRange(address, network, prefix))
                return true;
        }
        return false;
    }

    private static bool InRange(IPAddress address, IPAddress network, int prefix)
    {
        if (address.AddressFamily != network.AddressFamily)
            return false;
        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        var full = prefix / 8;
        if (!a.AsSpan(0, full).SequenceEqual(n.AsSpan(0, full)))
            return false;
        var rest = prefix % 8;
        if (rest == 0)
            return true;
        var mask = (byte)(0xFF << (8 - rest));
        return (a[full] & mask) == (n[full] & mask);
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
