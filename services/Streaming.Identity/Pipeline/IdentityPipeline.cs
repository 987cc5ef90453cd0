using System.Diagnostics.Metrics;
using Streaming.Contracts.Records;
using Streaming.Identity.Graph;
using Streaming.Identity.Rules;
using Streaming.ServiceDefaults.Admin;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Pipeline;
using Streaming.ServiceDefaults.Telemetry;

namespace Streaming.Identity.Pipeline;

/// <summary>
/// events.raw → events.identified + identity.merges, top to bottom:
/// <list type="number">
/// <item><see cref="ReadIdentifiersStep"/>: who the event names (dead letter when nobody, or when its tenant is not valid).</item>
/// <item><see cref="StitchPersonsStep"/>: resolve/merge in Redis with the dedup fence, atomically, for the whole batch (a duplicate is dropped).</item>
/// <item><see cref="EmitOutputsStep"/>: the identified event and the merge records.</item>
/// </list>
/// Every decision is a <see cref="StepResult"/>, read by the consumer runtime through
/// <see cref="HandlerOutcome.Of"/>. A Redis failure throws, so the runtime retries the batch; the fence makes that harmless.
/// </summary>
public sealed class IdentityPipeline(TenantRules tenantRules, StitchPersonsStep stitch, IdentityGraph graph) : IConsumerHandler<TrackingEvent>
{
    private static readonly ServiceMetrics Metrics = ServiceMetrics.For("identity");

    private static readonly Counter<long> Events = Metrics.Counter(
        "events", "{event}", "Events through identity resolution, by result (stitched, replayed, duplicate, no_identifier)");

    private static readonly Counter<long> Merges = Metrics.Counter(
        "merges", "{merge}", "Person merges, by outcome (merged, refused)");

    public async Task<IReadOnlyList<HandlerOutcome>> HandleAsync(IReadOnlyList<InboundMessage<TrackingEvent>> batch, CancellationToken cancellationToken)
    {
        await tenantRules.Loaded.WaitAsync(cancellationToken);
        var outcomes = new HandlerOutcome[batch.Count];
        var toStitch = new List<(string Tenant, IdentityRules Rules, StitchRequest Request)>(batch.Count);
        var stitchedIndex = new List<int>(batch.Count);

        for (var i = 0; i < batch.Count; i++)
        {
            var e = batch[i].Value;
            if (!AdminAuthorization.IsValidTenant(e.Tenant))
            {
                outcomes[i] = Count(StepResult.DeadLetter($"tenant '{e.Tenant}' is not valid: use 1-64 letters, digits, '-' or '_'."), "bad_tenant");
                continue;
            }
            var rules = tenantRules.For(e.Tenant);
            var read = ReadIdentifiersStep.Run(e, rules, PersonHeader.Read(batch[i].Headers));
            if (!read.Continues)
            {
                outcomes[i] = Count(read.WithoutValue(), "no_identifier");
                continue;
            }
            toStitch.Add((e.Tenant, rules, new StitchRequest(e.MessageId, batch[i].Position, e.ReceivedAt, e.Timestamp, e.Source, e.Type, read.Value!)));
            stitchedIndex.Add(i);
        }

        var results = await stitch.RunAsync(toStitch);
        var previousIdTypes = await PreviousIdTypesAsync(toStitch, results);

        for (var j = 0; j < results.Length; j++)
        {
            var i = stitchedIndex[j];
            var e = batch[i].Value;
            var result = results[j];
            if (result.Status == StitchStatus.Duplicate)
            {
                outcomes[i] = Count(StepResult.Drop(
                    $"duplicate: messageId {e.MessageId} was already identified (person {result.PersonId}) within the dedup window"), "duplicate");
                continue;
            }
            if (result.Status == StitchStatus.Stitched)
            {
                foreach (var merge in result.Merges)
                    Merges.Add(1, new KeyValuePair<string, object?>("outcome", merge.Outcome));
            }
            var (tenant, _, request) = toStitch[j];
            var identifiers = LinkedIdentifiers(tenant, request.Identifiers, previousIdTypes);
            outcomes[i] = Count(StepResult.Continue, result.Status == StitchStatus.Stitched ? "stitched" : "replayed", EmitOutputsStep.Run(e, result, identifiers));
        }
        return outcomes;
    }

    /// <summary>
    /// The type each alias previousId of the batch was linked as, read after stitching with one
    /// MGET per tenant (a read per alias, awaited in turn, cost a round trip and a thread hop each).
    /// </summary>
    private async Task<Dictionary<(string Tenant, string Value), string?>> PreviousIdTypesAsync(
        List<(string Tenant, IdentityRules Rules, StitchRequest Request)> stitched, StitchResult[] results)
    {
        var wanted = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var found = new Dictionary<(string Tenant, string Value), string?>();
        for (var j = 0; j < results.Length; j++)
        {
            if (results[j].Status == StitchStatus.Duplicate)
                continue;
            var (tenant, _, request) = stitched[j];
            foreach (var identifier in request.Identifiers)
            {
                if (identifier.Type != IdentifierTypes.PreviousId || !found.TryAdd((tenant, identifier.Value), null))
                    continue;
                if (!wanted.TryGetValue(tenant, out var values))
                    wanted[tenant] = values = [];
                values.Add(identifier.Value);
            }
        }
        if (wanted.Count == 0)
            return found;
        var answers = await Task.WhenAll(wanted.Select(async w => (w.Key, w.Value, Types: await graph.PreviousIdTypesAsync(w.Key, w.Value))));
        foreach (var (tenant, values, types) in answers)
        {
            for (var i = 0; i < values.Count; i++)
                found[(tenant, values[i])] = types[i];
        }
        return found;
    }

    /// <summary>
    /// The event's identifiers as <c>type:value</c>, an alias's previousId under the type the stitch
    /// script linked it as (left out when it could not be linked).
    /// </summary>
    private static string[] LinkedIdentifiers(string tenant, IReadOnlyList<Identifier> identifiers,
        Dictionary<(string Tenant, string Value), string?> previousIdTypes)
    {
        var linked = new string[identifiers.Count];
        var count = 0;
        foreach (var identifier in identifiers)
        {
            if (identifier.Type == IdentifierTypes.KnownPerson)
                continue;
            if (identifier.Type != IdentifierTypes.PreviousId)
                linked[count++] = identifier.ToString();
            else if (previousIdTypes.GetValueOrDefault((tenant, identifier.Value)) is { } type)
                linked[count++] = $"{type}:{identifier.Value}";
        }
        return count == linked.Length ? linked : linked[..count];
    }

    private static HandlerOutcome Count(StepResult result, string label, IReadOnlyList<OutboundMessage>? outputs = null)
    {
        Events.Add(1, new KeyValuePair<string, object?>("result", label));
        return HandlerOutcome.Of(result, outputs ?? []);
    }
}
