using System.Net;

namespace Streaming.Gateway.Ingestion;

/// <summary>Which Segment call a request is: a batch, or one event whose type the path names.</summary>
public enum IngestCall { Batch, Track, Identify, Page, Screen, Group, Alias }

/// <summary>
/// One ingestion request as both APIs hand it to the pipeline: the JSON body (Segment shape; gRPC
/// batches are rendered to it), the write key from the transport (Basic auth or gRPC metadata),
/// and where it came from.
/// </summary>
public sealed record IngestRequest(
    ReadOnlyMemory<byte> Body,
    IngestCall Call,
    string? WriteKey,
    IPAddress? PeerAddress,
    string? ForwardedFor);

public static class IngestCalls
{
    /// <summary>The event type a single-event call implies (null for a batch).</summary>
    public static string? EventType(this IngestCall call) => call switch
    {
        IngestCall.Track => "track",
        IngestCall.Identify => "identify",
        IngestCall.Page => "page",
        IngestCall.Screen => "screen",
        IngestCall.Group => "group",
        IngestCall.Alias => "alias",
        _ => null,
    };
}
