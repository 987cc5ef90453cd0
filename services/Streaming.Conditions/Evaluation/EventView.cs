using System.Text.Json;
using Streaming.Conditions.Model;
using Streaming.Contracts.Records;

namespace Streaming.Conditions.Evaluation;

/// <summary>
/// One event as the language sees it: attributes and the JSON objects that paths walk. The JSON
/// is parsed on first use, so an event that no filter looks inside costs no parsing.
/// </summary>
public sealed class EventView
{
    private readonly TrackingEvent _event;
    private JsonElement? _properties, _context, _traits;

    public EventView(TrackingEvent trackingEvent) => _event = trackingEvent;

    public TrackingEvent Event => _event;

    /// <summary><c>event</c> for track calls, <c>name</c> for page/screen calls, else empty.</summary>
    public string Name => _event.Type == "track" ? _event.Event ?? "" : _event.Name ?? _event.Event ?? "";

    public long Timestamp => _event.Timestamp;

    public JsonElement Properties => _properties ??= Parse(_event.Properties);
    public JsonElement Context => _context ??= Parse(_event.Context);
    public JsonElement Traits => _traits ??= Parse(_event.Traits);

    /// <summary>The channel: context.channel, else miniprogram / app / web by context keys, else server.</summary>
    public string Channel
    {
        get
        {
            var context = Context;
            if (context.ValueKind != JsonValueKind.Object)
                return "server";
            if (context.TryGetProperty("channel", out var channel) && channel.ValueKind == JsonValueKind.String && channel.GetString()!.Length > 0)
                return channel.GetString()!;
            if (context.TryGetProperty("miniprogram", out _))
                return "miniprogram";
            if (context.TryGetProperty("app", out _))
                return "app";
            if (context.TryGetProperty("page", out _) || context.TryGetProperty("userAgent", out _))
                return "web";
            return "server";
        }
    }

    /// <summary>The value at a path (null when missing, JSON null, an object or an array).</summary>
    public Scalar? Value(FieldPath path, TimeZoneInfo zone) => path.Root switch
    {
        FieldRoot.Attribute => path.AttributeName switch
        {
            FieldPath.Name => Scalar.Of(Name),
            FieldPath.Type => Scalar.Of(_event.Type),
            FieldPath.Source => Scalar.Of(_event.Source),
            FieldPath.Channel => Scalar.Of(Channel),
            FieldPath.Day => Scalar.Of(LocalTime.Day(Timestamp, zone)),
            FieldPath.Hour => Scalar.Of(LocalTime.Hour(Timestamp, zone)),
            _ => null,
        },
        FieldRoot.Properties => Walk(Properties, path.Segments),
        FieldRoot.Context => Walk(Context, path.Segments),
        _ => Walk(Traits, path.Segments),
    };

    /// <summary>True when the event passes the filter: name, type and every predicate.</summary>
    public bool Matches(EventFilter filter, TimeZoneInfo zone)
    {
        if (filter.Names.Count > 0 && !filter.Names.Contains(Name, StringComparer.Ordinal))
            return false;
        if (filter.Types.Count > 0 && !filter.Types.Contains(_event.Type, StringComparer.Ordinal))
            return false;
        foreach (var predicate in filter.Where)
        {
            if (!Comparisons.Holds(Value(predicate.Path, zone), predicate.Operator, [.. predicate.Values.Select(v => (Scalar?)v)]))
                return false;
        }
        return true;
    }

    private static Scalar? Walk(JsonElement element, IReadOnlyList<string> segments)
    {
        foreach (var segment in segments)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(segment, out element))
                return null;
        }
        return Scalar.FromJson(element);
    }

    private static JsonElement Parse(string json)
    {
        try
        {
            return string.IsNullOrWhiteSpace(json) ? default : JsonSerializer.Deserialize<JsonElement>(json);
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
