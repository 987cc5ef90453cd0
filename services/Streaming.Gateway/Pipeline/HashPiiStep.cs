using System.Runtime.CompilerServices;
using System.Text.Json;
using Streaming.Gateway.Enrichment;
using Streaming.Gateway.Ingestion;
using Streaming.Gateway.Sources;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Gateway.Pipeline;

/// <summary>
/// Replaces PII in traits, properties and context (whatever the spelling of its name, see
/// <see cref="PiiHasher"/>) by salted hashes (<c>email_hash</c>, <c>phone_hash</c>, <c>&lt;name&gt;_hash</c>)
/// before anything reaches Kafka, unless the source keeps raw values. Placeholder PII is removed
/// with a <c>junk_pii</c> warning instead of being hashed. Refused events get the same treatment
/// before their raw JSON is kept.
/// </summary>
public sealed class HashPiiStep(PiiHasher hasher, ContactCapture capture) : IPipelineStep<EventDraft, RequestScope>
{
    private static readonly string[] Roots = ["traits", "properties", "context"];

    // A source's piiPaths, parsed once per definition (a new definition is a new SourceSettings).
    private static readonly ConditionalWeakTable<SourceSettings, IReadOnlyList<PiiField>> SourcePaths = new();

    public StepResult Run(EventDraft draft, RequestScope scope)
    {
        if (scope.Source.Settings.KeepRawPii)
            return StepResult.Continue;
        // Before the raw values are replaced by their hashes: sealed, they are all the dispatchers get.
        capture.Run(draft, scope);
        var tenant = scope.Source.Tenant;
        var extra = PathsOf(scope.Source.Settings);
        PiiHasher.JunkFound junk = (field, why) =>
            scope.Warn(draft.Index, field, ValidationCodes.JunkPii, $"a placeholder, not an identity ({why}); removed, not hashed");
        if (draft.Traits is { } traits)
            hasher.HashObject(tenant, "traits", traits, extra, junk);
        if (draft.Properties is { } properties)
            hasher.HashObject(tenant, "properties", properties, extra, junk);
        hasher.HashObject(tenant, "context", draft.Context, extra, junk);
        return StepResult.Continue;
    }

    /// <summary>The raw JSON of a refused event, with its PII hashed unless the source keeps raw values.</summary>
    public string RawPayload(EventDraft draft, RequestScope scope)
    {
        var raw = draft.Raw;
        if (scope.Source.Settings.KeepRawPii || raw.ValueKind != JsonValueKind.Object)
            return raw.GetRawText();
        var extra = PathsOf(scope.Source.Settings);
        var root = new JsonObjectDraft(raw);
        var changed = false;
        foreach (var name in Roots)
        {
            if (root.TryGetOriginal(name, out var value) && hasher.Holds(name, value, extra))
                changed |= hasher.HashObject(scope.Source.Tenant, name, root.Child(name), extra, null);
        }
        return changed ? root.ToJson() : raw.GetRawText();
    }

    public static IReadOnlyList<PiiField> PathsOf(SourceSettings settings) =>
        settings.PiiPaths is not { Count: > 0 } paths
            ? []
            : SourcePaths.GetValue(settings, s => [.. s.PiiPaths!.Select(p => PiiField.TryParse(p, out var field) ? field : null).OfType<PiiField>()]);
}
