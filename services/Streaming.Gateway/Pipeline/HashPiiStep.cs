using Streaming.Gateway.Enrichment;
using Streaming.Gateway.Ingestion;

namespace Streaming.Gateway.Pipeline;

/// <summary>
/// Replaces configured PII (default traits.phone, traits.email; also in context.traits) by salted
/// hashes (<c>phone_hash</c>, <c>email_hash</c>) before anything reaches Kafka, unless the source
/// keeps raw values. Refused events get the same treatment before their raw JSON is kept.
/// </summary>
public sealed class HashPiiStep(PiiHasher hasher) : IEventStep
{
    public EventOutcome Run(EventDraft draft, RequestScope scope)
    {
        if (scope.Source.Settings.KeepRawPii)
            return EventOutcome.Continue;
        var tenant = scope.Source.Tenant;
        if (draft.Traits is { } traits)
            hasher.HashFields(tenant, traits, PiiScope.Traits);
        if (draft.Properties is { } properties)
            hasher.HashFields(tenant, properties, PiiScope.Properties);
        if (draft.Context.TryGetOriginal("traits", out var contextTraits) && contextTraits.ValueKind == System.Text.Json.JsonValueKind.Object)
            HashChild(draft.Context, "traits", tenant, PiiScope.Traits);
        return EventOutcome.Continue;
    }

    /// <summary>The raw JSON of a refused event, with its PII hashed unless the source keeps raw values.</summary>
    public string RawPayload(EventDraft draft, RequestScope scope)
    {
        var raw = draft.Raw;
        if (scope.Source.Settings.KeepRawPii || raw.ValueKind != System.Text.Json.JsonValueKind.Object)
            return raw.GetRawText();
        var tenant = scope.Source.Tenant;
        var root = new JsonObjectDraft(raw);
        var changed = HashChild(root, "traits", tenant, PiiScope.Traits);
        changed |= HashChild(root, "properties", tenant, PiiScope.Properties);
        if (root.TryGetOriginal("context", out var context) && context.ValueKind == System.Text.Json.JsonValueKind.Object)
            changed |= HashChild(root.Child("context"), "traits", tenant, PiiScope.Traits);
        return changed ? root.ToJson() : raw.GetRawText();
    }

    private bool HashChild(JsonObjectDraft parent, string name, string tenant, PiiScope scope)
    {
        if (!parent.TryGetOriginal(name, out var value) || value.ValueKind != System.Text.Json.JsonValueKind.Object)
            return false;
        var probe = new JsonObjectDraft(value);
        if (!hasher.Fields.Any(f => f.Scope == scope && probe.Has(f.Name)))
            return false;
        return hasher.HashFields(tenant, parent.Child(name), scope);
    }
}
