using System.Net;

namespace Streaming.Standalone;

/// <summary>An endpoint the host opens on the listen address, and whether a client must authenticate to use it.</summary>
public sealed record ExposedEndpoint(string Name, bool Authenticated, string Why);

/// <summary>
/// On loopback only local processes reach the endpoints; on any other address the network does, so the
/// host refuses to start while one of them lets a client in without credentials.
/// </summary>
public static class ListenPolicy
{
    /// <summary>Null when the host may listen on <paramref name="address"/>; otherwise the message to stop with.</summary>
    public static string? Refusal(string address, IEnumerable<ExposedEndpoint> endpoints)
    {
        if (IPAddress.IsLoopback(IPAddress.Parse(address)))
            return null;
        var open = endpoints.Where(e => !e.Authenticated).ToList();
        return open.Count == 0
            ? null
            : $"Refusing to listen on {address}: {string.Join("; ", open.Select(e => $"{e.Name} has no authentication ({e.Why})"))}. "
              + "Listen on 127.0.0.1 (the default) and put an authenticating proxy in front, or use the docker-compose/Helm deployment.";
    }
}
