using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;

namespace Streaming.Gateway;

/// <summary>
/// Kestrel endpoints: the HTTP port(s) as configured (ASPNETCORE_URLS / ASPNETCORE_HTTP_PORTS /
/// --urls, default 8080) and the gRPC port (Gateway:GrpcPort, HTTP/2 cleartext). Kestrel ignores
/// the configured URLs as soon as one endpoint is declared in code, so both are declared here.
/// </summary>
public sealed class GatewayListeners
{
    private ListenOptions? _grpc;
    private readonly List<ListenOptions> _http = [];

    /// <summary>The bound gRPC endpoint (after start; the real port when Gateway:GrpcPort is 0).</summary>
    public IPEndPoint? GrpcEndpoint => _grpc?.IPEndPoint;

    /// <summary>The bound HTTP endpoints (after start).</summary>
    public IReadOnlyList<IPEndPoint> HttpEndpoints => [.. _http.Select(l => l.IPEndPoint).OfType<IPEndPoint>()];

    internal void Configure(IConfiguration configuration, KestrelServerOptions kestrel)
    {
        var options = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        if (options.GrpcPort < 0)
            return;
        foreach (var url in HttpUrls(configuration))
        {
            var address = BindingAddress.Parse(url);
            if (!string.Equals(address.Scheme, "http", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"The gateway serves plain HTTP behind a TLS-terminating proxy; '{url}' is not an http:// URL.");
            Listen(kestrel, address.Host, address.Port, HttpProtocols.Http1AndHttp2, _http.Add);
        }
        Listen(kestrel, options.GrpcAddress, options.GrpcPort, HttpProtocols.Http2, l => _grpc = l);
    }

    private static IEnumerable<string> HttpUrls(IConfiguration configuration)
    {
        var urls = configuration["urls"];
        if (!string.IsNullOrWhiteSpace(urls))
            return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var ports = configuration["http_ports"];
        if (!string.IsNullOrWhiteSpace(ports))
            return ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}");
        return ["http://*:8080"];
    }

    private static void Listen(KestrelServerOptions kestrel, string host, int port, HttpProtocols protocols, Action<ListenOptions> bound)
    {
        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
            bound(listen);
        }
        if (host is "*" or "+" or "0.0.0.0" or "[::]")
            kestrel.ListenAnyIP(port, Configure);
        else if (host == "localhost")
            kestrel.Listen(IPAddress.Loopback, port, Configure);
        else
            kestrel.Listen(IPAddress.Parse(host.Trim('[', ']')), port, Configure);
    }
}
