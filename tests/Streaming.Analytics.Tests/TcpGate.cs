using System.Net;
using System.Net.Sockets;

namespace Streaming.Analytics.Tests;

/// <summary>
/// A loopback TCP relay in front of a real server that the test can close (connections reset,
/// new ones refused) and open again, to play an outage of the server behind it.
/// </summary>
public sealed class TcpGate : IDisposable
{
    private readonly int target;
    private readonly List<TcpClient> open = [];
    private readonly Lock gate = new();
    private TcpListener? listener;

    public TcpGate(int target)
    {
        this.target = target;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    public void Open()
    {
        lock (gate)
        {
            if (listener is not null)
                return;
            listener = new TcpListener(IPAddress.Loopback, Port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            _ = AcceptAsync(listener);
        }
    }

    public void Close()
    {
        lock (gate)
        {
            listener?.Stop();
            listener = null;
            foreach (var client in open)
                client.Dispose();
            open.Clear();
        }
    }

    private async Task AcceptAsync(TcpListener server)
    {
        while (true)
        {
            TcpClient inbound;
            try
            {
                inbound = await server.AcceptTcpClientAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(IPAddress.Loopback, target);
            }
            catch (SocketException)
            {
                inbound.Dispose();
                outbound.Dispose();
                continue;
            }
            lock (gate)
            {
                open.Add(inbound);
                open.Add(outbound);
            }
            _ = Pipe(inbound, outbound);
            _ = Pipe(outbound, inbound);
        }
    }

    private static async Task Pipe(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream());
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or SocketException)
        {
            // the gate closed
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    public void Dispose() => Close();
}
