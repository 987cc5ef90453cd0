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
    private string? _channel, _name;

    public EventView(TrackingEvent trackingEvent) => _event = trackingEvent;

    public TrackingEvent Event => _event;

    /// <summary>The event's name by the one rule of every store (<see cref="EventNames"/>): track's event, a page's "category name", else the type.</summary>
    public string Name => _name ??= _event.Type switch
    {
        "track" => _event.Event ?? "",
        "page" or "screen" => EventNames.Of(_event.Type, _event.Name ?? _event.Event, CategoryOf(Properties)),
        _ => _event.Type,
    };

    public long Timestamp => _event.Timestamp;

    public JsonElement Properties => _properties ??= Parse(_event.Properties);
    public JsonElement Context => _context ??= Parse(_event.Context);
    public JsonElement Traits => _traits ??= Parse(_event.Traits);

    /// <summary>The channel: context.channel, else miniprogram / app / web by context keys, else server.</summary>
    public string Channel => _channel ??= ChannelOf(Context);

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
            FieldPath.UserId => string.IsNullOrEmpty(_event.UserId) ? null : Scalar.Of(_event.UserId),
            FieldPath.AnonymousId => string.IsNullOrEmpty(_event.AnonymousId) ? null : Scalar.Of(_event.AnonymousId),
            _ => null,
        },
        FieldRoot.Properties => Walk(Properties, path.Segments),
        FieldRoot.Context => Walk(Context, path.Segments),
        _ => Walk(Traits, path.Segments),
    };

    /// <summary>True when the event passes the filter: name, type and every predicate.</summary>
    public bool Matches(EventFilter filter, TimeZoneInfo zone)
    {
        if (filter.Names.Count > 0 && !Contains(filter.Names, Name))
            return false;
        if (filter.Types.Count > 0 && !Contains(filter.Types, _event.Type))
            return false;
        // Indexed loops: this runs for every event and filter, and enumerators would be allocated.
        var where = filter.Where;
        for (var i = 0; i < where.Count; i++)
        {
            var predicate = where[i];
            if (!Comparisons.Holds(Value(predicate.Path, zone), predicate.Operator, predicate.Values))
                return false;
        }
        return true;
    }

    private static bool Contains(IReadOnlyList<string> values, string value)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (string.Equals(values[i], value, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    private static string? CategoryOf(JsonElement properties) =>
        properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty("category", out var category) && category.ValueKind == JsonValueKind.String
            ? category.GetString() : null;

    private static string ChannelOf(JsonElement context)
    {
        if (context.ValueKind != JsonValueKind.Object)
            return "server";
        if (context.TryGetProperty("channel"u8, out var channel) && channel.ValueKind == JsonValueKind.String && channel.GetString() is { Length: > 0 } named)
            return named;
        if (context.TryGetProperty("miniprogram"u8, out _))
            return "miniprogram";
        if (context.TryGetProperty("app"u8, out _))
            return "app";
        if (context.TryGetProperty("page"u8, out _) || context.TryGetProperty("userAgent"u8, out _))
            return "web";
        return "server";
    }

    private static Scalar? Walk(JsonElement element, IReadOnlyList<string> segments)
    {
        for (var i = 0; i < segments.Count; i++)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(segments[i], out element))
                return null;
        }
        return Scalar.FromJson(element);
    }

    /// <summary>
    /// One pass over the text into a document of its own (exact-size arrays, nothing pooled, so the
    /// elements stay valid as long as the view is used and nobody has to dispose it). Unreadable JSON
    /// (<see cref="JsonException"/>) reads as missing.
    /// </summary>
    private static JsonElement Parse(string json)
    {
        try
        {
            return string.IsNullOrWhiteSpace(json) ? default : JsonElement.Parse(json);
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
