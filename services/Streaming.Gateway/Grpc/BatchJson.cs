using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Streaming.Contracts.Ingest;

namespace Streaming.Gateway.Grpc;

/// <summary>
/// Renders a gRPC batch as the Segment JSON body the HTTP API takes, so both APIs run one
/// validation code path. Empty proto strings mean "absent". The *_json fields are embedded as JSON
/// when they parse and as a string otherwise (which validation then refuses as wrong_type).
/// </summary>
public static class BatchJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Render(Batch batch)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + batch.Events.Count * 512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            if (batch.SentAt.Length > 0)
                writer.WriteString("sentAt", batch.SentAt);
            writer.WriteStartArray("batch");
            foreach (var e in batch.Events)
                WriteEvent(writer, e);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteEvent(Utf8JsonWriter writer, Event e)
    {
        writer.WriteStartObject();
        String(writer, "type", e.Type);
        String(writer, "messageId", e.MessageId);
        String(writer, "event", e.Event_);
        String(writer, "name", e.Name);
        String(writer, "anonymousId", e.AnonymousId);
        String(writer, "userId", e.UserId);
        String(writer, "previousId", e.PreviousId);
        String(writer, "groupId", e.GroupId);
        String(writer, "timestamp", e.Timestamp);
        String(writer, "originalTimestamp", e.OriginalTimestamp);
        String(writer, "sentAt", e.SentAt);
        Json(writer, "properties", e.PropertiesJson);
        Json(writer, "traits", e.TraitsJson);
        Json(writer, "context", e.ContextJson);
        Json(writer, "integrations", e.IntegrationsJson);
        writer.WriteEndObject();
    }

    private static void String(Utf8JsonWriter writer, string name, string value)
    {
        if (value.Length > 0)
            writer.WriteString(name, value);
    }

    private static void Json(Utf8JsonWriter writer, string name, string json)
    {
        if (json.Length == 0)
            return;
        if (IsJson(json))
        {
            writer.WritePropertyName(name);
            writer.WriteRawValue(json, skipInputValidation: true);
        }
        else
        {
            writer.WriteString(name, json);
        }
    }

    private static bool IsJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 60 });
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
