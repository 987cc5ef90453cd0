using System.Net;
using System.Net.Sockets;

namespace Streaming.Embedded.Redis;

internal static class LoopbackPort
{
    /// <summary>
    /// A 127.0.0.1 port nobody listens on right now. Another process can still take it before
    /// the caller binds, so callers that got a port from here retry on "address in use".
    /// </summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>True when something accepts connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
