using System.Buffers.Binary;
using Confluent.Kafka;

namespace Streaming.ServiceDefaults.Kafka;

/// <summary>
/// The <c>streaming-person</c> header on <c>events.raw</c>: the person an event is already known to be
/// about, for the platform's own events (a click on a tracked link names the person the message went to,
/// not a device or a user id). Only the platform's producers set it: nothing a client sends becomes a
/// Kafka header. Identity resolves it like any identifier (following merges) and keeps its dedup fence,
/// so such events take the normal path to profiles and analytics.
/// </summary>
public static class PersonHeader
{
    public const string Name = "streaming-person";

    public static void Add(Headers headers, long personId)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, personId);
        headers.Add(Name, bytes);
    }

    /// <summary>The person in <paramref name="headers"/>, or null when there is none (or it is unreadable).</summary>
    public static long? Read(Headers? headers) =>
        headers is not null && headers.TryGetLastBytes(Name, out var bytes) && bytes is { Length: 8 }
            ? BinaryPrimitives.ReadInt64BigEndian(bytes)
            : null;
}
