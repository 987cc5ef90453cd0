using System.Net;
using Streaming.Gateway.Sources;

namespace Streaming.Gateway.Pipeline;

/// <summary>What every event of one request shares: who sent it, when it arrived, from where.</summary>
public sealed class RequestScope
{
    public required Source Source { get; init; }
    public required long ReceivedAt { get; init; }
    /// <summary>The resolved client address (trusted proxies honoured, anonymised when configured).</summary>
    public IPAddress? ClientIp { get; init; }
    public required ParsedBatch Batch { get; init; }
    public List<string> Warnings { get; } = [];

    public void Warn(int index, string field, string code, string message) =>
        Warnings.Add($"[{index}] {field}: {message} ({code})");
}
