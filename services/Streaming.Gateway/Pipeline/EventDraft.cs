using System.Text.Json;
using Streaming.Contracts.Records;
using Streaming.Gateway.Ingestion;

namespace Streaming.Gateway.Pipeline;

/// <summary>One event on its way through the steps: read by validation, then cleaned, enriched and keyed.</summary>
public sealed class EventDraft(int index, JsonElement raw)
{
    public int Index { get; } = index;

    /// <summary>The event exactly as the sender wrote it.</summary>
    public JsonElement Raw { get; } = raw;

    public string Type { get; set; } = "";
    public string? MessageId { get; set; }
    public string? Event { get; set; }
    public string? Name { get; set; }
    public string? AnonymousId { get; set; }
    public string? UserId { get; set; }
    public string? PreviousId { get; set; }
    public string? GroupId { get; set; }

    /// <summary>The sender's <c>timestamp</c> (epoch ms), its <c>originalTimestamp</c> and <c>sentAt</c> (own or the batch's).</summary>
    public long? ClientTimestamp { get; set; }
    public long? OriginalTimestamp { get; set; }
    public long? SentAt { get; set; }

    /// <summary>Event time after clock-skew correction.</summary>
    public long Timestamp { get; set; }

    public JsonObjectDraft Context { get; set; } = new();
    public JsonObjectDraft? Properties { get; set; }
    public JsonObjectDraft? Traits { get; set; }
    public JsonElement? Integrations { get; set; }

    /// <summary>Kafka key: tenant + (userId, else anonymousId).</summary>
    public string Key { get; set; } = "";

    public TrackingEvent ToRecord(RequestScope scope) => new()
    {
        MessageId = MessageId!,
        Type = Type,
        Event = Event,
        Name = Name,
        Tenant = scope.Source.Tenant,
        Source = scope.Source.Id,
        AnonymousId = AnonymousId,
        UserId = UserId,
        PreviousId = PreviousId,
        GroupId = GroupId,
        Timestamp = Timestamp,
        OriginalTimestamp = OriginalTimestamp,
        SentAt = SentAt,
        ReceivedAt = scope.ReceivedAt,
        Context = Context.ToJson(),
        Properties = Properties?.ToJson() ?? "{}",
        Traits = Traits?.ToJson() ?? "{}",
        Integrations = Integrations is { } integrations ? integrations.GetRawText() : "{}",
    };
}
