using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Streaming.Contracts.Avro;
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

    /// <summary>Contact points of identify traits sealed for the contact vault (<see cref="Enrichment.ContactCapture"/>); null when none.</summary>
    public List<SealedContact>? Contacts { get; set; }

    /// <summary>Kafka key: tenant + (userId, else anonymousId).</summary>
    public string Key { get; set; } = "";

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _json;

    /// <summary>
    /// The <c>events.raw</c> payload (TrackingEvent, Avro in the Confluent wire format under
    /// <paramref name="schemaId"/>, the registry id of TrackingEvent.v1). The JSON objects go from the drafts to the
    /// Avro bytes as UTF-8, never through .NET strings (the gateway's largest per-event cost otherwise).
    /// </summary>
    public byte[] Encode(RequestScope scope, int schemaId)
    {
        var json = _json ??= new ArrayBufferWriter<byte>(4096);
        json.ResetWrittenCount();
        Context.WriteTo(json);
        var contextEnd = json.WrittenCount;
        WriteObject(json, Properties);
        var propertiesEnd = json.WrittenCount;
        WriteObject(json, Traits);
        var traitsEnd = json.WrittenCount;
        json.Write(Integrations is { } integrations ? JsonMarshal.GetRawUtf8Value(integrations) : "{}"u8);
        var all = json.WrittenSpan;
        return TrackingEventEncoder.Encode(schemaId, Fields(scope),
            all[..contextEnd], all[contextEnd..propertiesEnd], all[propertiesEnd..traitsEnd], all[traitsEnd..]);
    }

    private static void WriteObject(ArrayBufferWriter<byte> json, JsonObjectDraft? draft)
    {
        if (draft is null)
            json.Write("{}"u8);
        else
            draft.WriteTo(json);
    }

    /// <summary>The record's fields except the JSON objects, which <see cref="Encode"/> writes as UTF-8.</summary>
    private TrackingEvent Fields(RequestScope scope) => new()
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
    };
}
