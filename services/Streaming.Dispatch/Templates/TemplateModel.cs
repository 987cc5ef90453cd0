using System.Text.Json.Nodes;

namespace Streaming.Dispatch.Templates;

/// <summary>What a template sees: the person (id, traits), the trigger event's properties, the request's variables and the links.</summary>
public sealed record TemplateModel(long PersonId, JsonObject Traits, JsonObject Event, JsonObject Vars, IReadOnlyDictionary<string, string> Links)
{
    /// <summary>The values as plain dictionaries and lists, which Liquid reads member by member.</summary>
    public IReadOnlyDictionary<string, object?> Roots() => new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["person"] = new Dictionary<string, object?> { ["id"] = PersonId, ["traits"] = Plain(Traits) },
        ["event"] = Plain(Event),
        ["vars"] = Plain(Vars),
        ["links"] = Links.ToDictionary(l => l.Key, l => (object?)l.Value),
    };

    /// <summary>The locale to render in: the person's <c>locale</c> trait, else the request's <c>vars.locale</c>.</summary>
    public string? Locale => (Traits["locale"] ?? Vars["locale"]) is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static object? Plain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => Plain(p.Value)),
        JsonArray a => a.Select(Plain).ToList(),
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<decimal>(out var d) => d,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };
}
