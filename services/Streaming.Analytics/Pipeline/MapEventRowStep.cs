using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Analytics.Pipeline;

/// <summary>Step: an identified event becomes one row of <c>events</c>; its <c>event</c> is <see cref="EventNames"/>' rule, the profiles' and the condition language's name.</summary>
internal static class MapEventRowStep
{
    public static readonly string[] Columns =
    [
        "tenant", "event", "type", "message_id", "person_id", "anonymous_id", "user_id", "source",
        "timestamp", "original_timestamp", "sent_at", "received_at", "context", "properties", "traits",
        "kafka_partition", "kafka_offset", "kafka_incarnation",
    ];

    /// <summary>The event's row; an event without tenant or messageId is dead-lettered (nothing could find or deduplicate it).</summary>
    public static StepResult<object[]> Run(InboundMessage<IdentifiedEvent> message)
    {
        var e = message.Value.Event;
        if (string.IsNullOrEmpty(e.Tenant) || string.IsNullOrEmpty(e.MessageId))
            return StepResult.DeadLetter("event without tenant or messageId: the gateway must set both");
        return StepResult.ContinueWith<object[]>(From(message));
    }

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
