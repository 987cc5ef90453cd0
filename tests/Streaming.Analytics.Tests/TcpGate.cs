using System.Net;
using System.Net.Sockets;

namespace Streaming.Analytics.Tests;

/// <summary>
/// A loopback TCP relay in front of a real server that the test can close (connections reset,
/// new ones refused) and open again, to play an outage of the server behind it.
/// </summary>
public sealed class TcpGate : IDisposable
{
    private readonly int _target;
    private readonly List<TcpClient> _open = [];
    private readonly Lock _gate = new();
    private TcpListener? _listener;

    public TcpGate(int target)
    {
        this._target = target;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    public void Open()
    {
        lock (_gate)
        {
            if (_listener is not null)
                return;
            _listener = new TcpListener(IPAddress.Loopback, Port);
            _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Start();
            _ = AcceptAsync(_listener);
        }
    }

    public void Close()
    {
        lock (_gate)
        {
            _listener?.Stop();
            _listener = null;
            foreach (var client in _open)
                client.Dispose();
            _open.Clear();
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
                await outbound.ConnectAsync(IPAddress.Loopback, _target);
            }
            catch (SocketException)
            {
                inbound.Dispose();
                outbound.Dispose();
                continue;
            }
            lock (_gate)
            {
                _open.Add(inbound);
                _open.Add(outbound);
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
