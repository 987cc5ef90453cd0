using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.Analytics.Pipeline;

/// <summary>Step: an identified event becomes one row of <c>events</c>; its <c>event</c> is <see cref="EventNames"/>' rule, the profiles' and the condition language's name.</summary>
internal static class EventRow
{
    public static readonly string[] Columns =
    [
        "tenant", "event", "type", "message_id", "person_id", "anonymous_id", "user_id", "source",
        "timestamp", "original_timestamp", "sent_at", "received_at", "context", "properties", "traits",
        "kafka_partition", "kafka_offset", "kafka_incarnation",
    ];

    public static object[] From(InboundMessage<IdentifiedEvent> message)
    {
        var e = message.Value.Event;
        return
        [
            e.Tenant, EventNames.Of(e), e.Type, e.MessageId, message.Value.PersonId, e.AnonymousId ?? "", e.UserId ?? "", e.Source,
            Time(e.Timestamp), Nullable(e.OriginalTimestamp), Nullable(e.SentAt), Time(e.ReceivedAt),
            e.Context, e.Properties, e.Traits,
            (ushort)message.Partition, (ulong)message.Offset, message.Incarnation,
        ];
    }

    internal static DateTime Time(long epochMs) => DateTime.UnixEpoch.AddMilliseconds(epochMs);

    private static object Nullable(long? epochMs) => epochMs is { } ms ? Time(ms) : DBNull.Value;
}
