using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Streaming.Contracts.Records;
using Streaming.Gateway.Ingestion;
using Streaming.Gateway.Sources;
using Streaming.ServiceDefaults.Pipeline;
using static Streaming.Gateway.Pipeline.ValidationCodes;

namespace Streaming.Gateway.Pipeline;

/// <summary>
/// Reads an event's Segment fields into the draft and refuses it with every problem found at once:
/// wrong JSON types, unknown type, missing event name / groupId / previousId, unreadable times,
/// too large, no usable identifier, times past <see cref="LatestTime"/>, keys that are not valid
/// Unicode (later stages read keys as strings and would dead-letter the event).
/// </summary>
public sealed class ValidateEventStep(IOptions<GatewayOptions> options, IdentifierBlocklist blocklist) : IPipelineStep<EventDraft, RequestScope>
{
    private static readonly string[] Types = ["track", "identify", "page", "screen", "group", "alias"];

    /// <summary>
    /// The latest event time accepted (2100-01-01 UTC), before and after clock-skew correction:
    /// every later stage stores times as DateTime / DateTime64 and ClickHouse's DateTime (TTL) ends in 2106.
    /// </summary>
    public static readonly long LatestTime = new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private readonly GatewayOptions _options = options.Value;

    public StepResult Run(EventDraft draft, RequestScope scope)
    {
        var raw = draft.Raw;
        if (raw.ValueKind != JsonValueKind.Object)
            return Rejected.Because(NotAnObject, "", $"An event must be a JSON object, not {ParseBodyStep.Describe(raw.ValueKind)}.");
        var size = JsonMarshal.GetRawUtf8Value(raw).Length;
        if (size > _options.MaxEventBytes)
        {
            return Rejected.Because(EventTooLarge, "",
                $"The event is {size} bytes; at most {_options.MaxEventBytes} are accepted (Gateway:MaxEventBytes, Segment's 32 KB). Trim properties or traits.");
        }

        var errors = new List<ValidationError>(0);
        var type = scope.Batch.ImpliedType;
        JsonElement? context = null;
        string? category = null;
        foreach (var property in raw.EnumerateObject())
        {
            var value = property.Value;
            if (DraftField.Find(property) is { } field)
            {
                field.Read(draft, value, errors);
            }
            else if (property.NameEquals("type"u8))
            {
                if (type is null)
                    type = ReadString(value, "type", errors) ?? "";
            }
            else if (property.NameEquals("context"u8))
            {
                context = ReadObject(value, "context", errors);
            }
            else if (property.NameEquals("category"u8) && value.ValueKind == JsonValueKind.String)
            {
                JsonText.TryGetString(value, out category);
            }
            else if (property.NameEquals("writeKey"u8) && value.ValueKind == JsonValueKind.String)
            {
                CheckWriteKey(value, scope.Source, errors);
            }
        }
        if (HasSurrogateEscape(raw))
        {
            CheckKeys(draft.Properties is null ? null : raw.GetProperty("properties"), "properties", errors);
            CheckKeys(draft.Traits is null ? null : raw.GetProperty("traits"), "traits", errors);
            CheckKeys(context, "context", errors);
        }
        draft.Context = JsonObjectDraft.Merge(context, scope.Batch.Context);
        draft.Integrations ??= scope.Batch.Integrations;
        if (draft.SentAt is null && scope.Batch.SentAt is { } batchSentAt)
            draft.SentAt = ReadTime(batchSentAt, "sentAt", errors);

        if (string.IsNullOrEmpty(type))
            errors.Add(new(MissingType, "type", "Every event of a batch needs \"type\": track, identify, page, screen, group or alias."));
        else if (Array.IndexOf(Types, type) < 0)
            errors.Add(new(InvalidType, "type", $"\"{Shorten(type)}\" is not an event type; use track, identify, page, screen, group or alias."));
        draft.Type = type ?? "";
        // Server and mobile SDKs send a page/screen category at the top level, analytics.js in
        // properties as well: keep it where every store reads it for the event's name (EventNames).
        if (type is "page" or "screen" && !string.IsNullOrWhiteSpace(category) && draft.Properties?.Has("category") != true)
            (draft.Properties ??= new JsonObjectDraft()).SetString("category", category);

        if (type == "track" && string.IsNullOrWhiteSpace(draft.Event))
            errors.Add(new(MissingEventName, "event", "A track call needs \"event\": the name of the action, e.g. \"Order Completed\"."));
        if (type == "group" && (draft.GroupId is null || blocklist.IsJunk(draft.GroupId)))
            errors.Add(new(MissingGroupId, "groupId", "A group call needs \"groupId\": the account or company the user belongs to."));
        if (type == "alias" && (draft.PreviousId is null || blocklist.IsJunk(draft.PreviousId)))
            errors.Add(new(MissingPreviousId, "previousId", "An alias call needs \"previousId\": the identifier being merged into userId."));

        if (errors.Count == 0)
            return StepResult.Continue;
        // Tell everything at once: an event refused for a type error would otherwise come back for its identifier next.
        if (!blocklist.HasUsableIdentifier(draft) && !errors.Exists(e => e.Field is "userId" or "anonymousId"))
            errors.Add(IdentifierBlocklist.MissingIdentifierError);
        return Rejected.Because(errors);
    }

    /// <summary>
    /// A Segment field read straight into the draft by the reader of its JSON type (a wrong type is an error
    /// naming the field). The fields that steer validation (type, context, category, writeKey) are read in <see cref="Run"/>.
    /// </summary>
    private sealed class DraftField
    {
        private static readonly DraftField[] All =
        [
            Identifier("messageId", (draft, id) => draft.MessageId = id),
            Identifier("userId", (draft, id) => draft.UserId = id),
            Identifier("anonymousId", (draft, id) => draft.AnonymousId = id),
            Identifier("previousId", (draft, id) => draft.PreviousId = id),
            Identifier("groupId", (draft, id) => draft.GroupId = id),
            Text("event", (draft, text) => draft.Event = text),
            Text("name", (draft, text) => draft.Name = text),
            Time("timestamp", (draft, time) => draft.ClientTimestamp = time),
            Time("originalTimestamp", (draft, time) => draft.OriginalTimestamp = time),
            Time("sentAt", (draft, time) => draft.SentAt = time),
            Object("properties", (draft, json) => draft.Properties = json is { } p ? new JsonObjectDraft(p) : null),
            Object("traits", (draft, json) => draft.Traits = json is { } t ? new JsonObjectDraft(t) : null),
            Object("integrations", (draft, json) => draft.Integrations = json),
        ];

        private readonly byte[] _name;

        private DraftField(string name, Action<EventDraft, JsonElement, List<ValidationError>> read)
        {
            _name = System.Text.Encoding.UTF8.GetBytes(name);
            Read = read;
        }

        public Action<EventDraft, JsonElement, List<ValidationError>> Read { get; }

        /// <summary>The field <paramref name="property"/> names; null for the others (a loop: no closure per property on the hot path).</summary>
        public static DraftField? Find(JsonProperty property)
        {
            foreach (var field in All)
            {
                if (property.NameEquals(field._name))
                    return field;
            }
            return null;
        }

        private static DraftField Identifier(string name, Action<EventDraft, string?> set) => new(name, (draft, value, errors) => set(draft, ReadIdentifier(value, name, errors)));

        private static DraftField Text(string name, Action<EventDraft, string?> set) => new(name, (draft, value, errors) => set(draft, ReadString(value, name, errors)));

        private static DraftField Time(string name, Action<EventDraft, long?> set) => new(name, (draft, value, errors) => set(draft, ReadTime(value, name, errors)));

        private static DraftField Object(string name, Action<EventDraft, JsonElement?> set) => new(name, (draft, value, errors) => set(draft, ReadObject(value, name, errors)));
    }

    private static void CheckWriteKey(JsonElement value, Source source, List<ValidationError> errors)
    {
        if (ReadString(value, "writeKey", errors) is { } key && WriteKeys.Hash(key) != source.Settings.WriteKeyHash)
            errors.Add(new(WriteKeyMismatch, "writeKey", "The event's writeKey is not the key this request was authenticated with; send one source's events per request."));
    }

    private static string? ReadString(JsonElement value, string field, List<ValidationError> errors)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                if (JsonText.TryGetString(value, out var text))
                    return text;
                errors.Add(new(InvalidString, field, $"\"{field}\" has an escape that is not valid Unicode (a lone surrogate)."));
                return null;
            default:
                errors.Add(new(WrongType, field, $"\"{field}\" must be a string, not {ParseBodyStep.Describe(value.ValueKind)}."));
                return null;
        }
    }

    /// <summary>Identifiers are strings; numbers are accepted and kept as their JSON text, as Segment does.</summary>
    private static string? ReadIdentifier(JsonElement value, string field, List<ValidationError> errors) =>
        value.ValueKind == JsonValueKind.Number ? value.GetRawText() : ReadString(value, field, errors);

    private static JsonElement? ReadObject(JsonElement value, string field, List<ValidationError> errors)
    {
        if (value.ValueKind == JsonValueKind.Object)
            return value;
        if (value.ValueKind != JsonValueKind.Null)
            errors.Add(new(WrongType, field, $"\"{field}\" must be a JSON object, not {ParseBodyStep.Describe(value.ValueKind)}."));
        return null;
    }

    /// <summary>Only an event whose text has a <c>\uD...</c> escape can hold a lone surrogate: the others skip the walk.</summary>
    private static bool HasSurrogateEscape(JsonElement raw)
    {
        var text = JsonMarshal.GetRawUtf8Value(raw);
        return text.IndexOf("\\ud"u8) >= 0 || text.IndexOf("\\uD"u8) >= 0;
    }

    /// <summary>Refuses an object (at any depth) with a key that is not valid Unicode: profiles and analytics read keys as strings.</summary>
    private static void CheckKeys(JsonElement? value, string field, List<ValidationError> errors)
    {
        if (value is { } element && FirstInvalidKey(element) is { } path)
        {
            errors.Add(new(InvalidString, field,
                $"\"{field}\" has a key with an escape that is not valid Unicode (a lone surrogate) at {path}; send keys as valid UTF-16 or UTF-8 text."));
        }
    }

    private static string? FirstInvalidKey(JsonElement element, string path = "")
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in element.EnumerateArray())
            {
                if (FirstInvalidKey(item, $"{path}[{i++}]") is { } found)
                    return found;
            }
            return null;
        }
        if (element.ValueKind != JsonValueKind.Object)
            return null;
        var index = 0;
        foreach (var property in element.EnumerateObject())
        {
            string name;
            try
            {
                name = property.Name;
            }
            catch (InvalidOperationException)
            {
                return $"{(path.Length == 0 ? "" : path + " ")}key #{index + 1}";
            }
            if (FirstInvalidKey(property.Value, path.Length == 0 ? name : $"{path}.{name}") is { } found)
                return found;
            index++;
        }
        return null;
    }

    private static long? ReadTime(JsonElement value, string field, List<ValidationError> errors)
    {
        var time = ReadTimeValue(value, field, errors);
        if (time > LatestTime)
        {
            errors.Add(new(TimestampOutOfRange, field, $"\"{field}\" is after 2100-01-01T00:00:00Z; send the time the event happened (ISO-8601, UTC)."));
            return null;
        }
        return time;
    }

    private static long? ReadTimeValue(JsonElement value, string field, List<ValidationError> errors)
    {
        if (value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind == JsonValueKind.String && HasExplicitOffset(value) && value.TryGetDateTimeOffset(out var fast) && fast.ToUnixTimeMilliseconds() is >= 0 and var fastMs)
            return fastMs;
        if (value.ValueKind == JsonValueKind.String && JsonText.TryGetString(value, out var text) && TryParseTime(text, out var ms))
            return ms;
        var shown = value.ValueKind == JsonValueKind.String ? $"\"{Shorten(value.GetRawText().Trim('"'))}\"" : ParseBodyStep.Describe(value.ValueKind);
        errors.Add(new(InvalidTimestamp, field, $"\"{field}\" must be an ISO-8601 time like \"2024-05-01T12:00:00.000Z\", not {shown}."));
        return null;
    }

    /// <summary>
    /// Whether an ISO-8601 string ends with <c>Z</c> or <c>±hh:mm</c>: then the fast UTF-8 parser reads it
    /// exactly (without an offset it would assume the server's local zone, so those take the slow path).
    /// </summary>
    private static bool HasExplicitOffset(JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        return raw.Length > 12 && raw.IndexOf((byte)'T') > 0
            && (raw[^2] == (byte)'Z' || (raw[^7] is (byte)'+' or (byte)'-' && raw[^4] == (byte)':'));
    }

    /// <summary>ISO-8601 date-times (a missing offset means UTC), from 1970 on, in epoch milliseconds.</summary>
    public static bool TryParseTime(string text, out long epochMs)
    {
        epochMs = 0;
        if (text.Length < 10 || !char.IsAsciiDigit(text[0]) || !char.IsAsciiDigit(text[3]) || text[4] != '-')
            return false;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            return false;
        epochMs = time.ToUnixTimeMilliseconds();
        return epochMs >= 0;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
