using System.Text.Json;

namespace Streaming.Contracts.Records;

/// <summary>
/// The one naming rule for events, used by every store (ClickHouse's <c>event</c> column, the live
/// profile's per-name series) and by the condition language (<c>name</c> filters, <c>$name</c>):
/// <list type="bullet">
/// <item>track: its <c>event</c> ("Order Completed");</item>
/// <item>page and screen: Segment's full name, <c>"&lt;category&gt; &lt;name&gt;"</c> when the call has a
/// category (<c>properties.category</c>, where analytics.js puts it and the gateway copies a top-level
/// one), else the <c>name</c> ("Docs Home", "Checkout"; an <c>event</c> field stands in for a missing
/// name); with neither, the category alone, else the type ("page", "screen");</item>
/// <item>identify, group, alias: the type.</item>
/// </list>
/// The type stays a separate attribute (<c>type</c> column, <c>$type</c>), so a page "Checkout" and a
/// track "Checkout" share a name and differ by type. docs/conditions.md, "Event names".
/// </summary>
public static class EventNames
{
    public static string Of(TrackingEvent e) => e.Type switch
    {
        "track" => e.Event ?? "",
        "page" or "screen" => Of(e.Type, e.Name ?? e.Event, CategoryOf(e.Properties)),
        _ => e.Type,
    };

    /// <summary>The name of a page or screen call from its name and category (either may be missing).</summary>
    public static string Of(string type, string? name, string? category)
    {
        var hasName = !string.IsNullOrWhiteSpace(name);
        var hasCategory = !string.IsNullOrWhiteSpace(category);
        return hasName && hasCategory ? $"{category} {name}" : hasName ? name! : hasCategory ? category! : type;
    }

    /// <summary><c>properties.category</c> when it is a string, else null (properties are a JSON object).</summary>
    public static string? CategoryOf(string propertiesJson)
    {
        // Most pages carry no category: skip the parse unless the text mentions it.
        if (propertiesJson.Length < 12 || !propertiesJson.Contains("\"category\"", StringComparison.Ordinal))
            return null;
        try
        {
            using var document = JsonDocument.Parse(propertiesJson);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("category", out var category) && category.ValueKind == JsonValueKind.String
                ? category.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
