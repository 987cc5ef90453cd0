using System.Net;
using System.Net.Sockets;

namespace Streaming.Embedded.Hosting;

/// <summary>The address an embedded server binds, and the one its clients are told to connect to.</summary>
internal static class ListenAddress
{
    /// <summary>The configured address; an <see cref="ArgumentException"/> naming <paramref name="setting"/> when it is no IP address.</summary>
    public static IPAddress Parse(string value, string setting) => IPAddress.TryParse(value, out var address)
        ? address
        : throw new ArgumentException($"{setting} must be an IP address (127.0.0.1, 0.0.0.0, ::), got '{value}'.", setting);

    /// <summary>The bound address, or loopback when every interface is bound (a client cannot connect to 0.0.0.0).</summary>
    public static string ConnectHost(IPAddress bound) => bound.Equals(IPAddress.Any) || bound.Equals(IPAddress.IPv6Any)
        ? "127.0.0.1"
        : bound.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{bound}]" : bound.ToString();
}
