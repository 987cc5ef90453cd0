using System.Diagnostics.Metrics;
using Streaming.Contracts.Records;
using Streaming.Identity.Graph;
using Streaming.Identity.Rules;
using Streaming.ServiceDefaults.Admin;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Telemetry;

namespace Streaming.Identity.Pipeline;

/// <summary>
/// events.raw → events.identified + identity.merges, top to bottom:
/// <list type="number">
/// <item><see cref="ReadIdentifiers"/>: who the event names (dead letter when nobody).</item>
/// <item><see cref="StitchPersons"/>: resolve/merge in Redis with the dedup fence, atomically.</item>
/// <item><see cref="EmitOutputs"/>: the identified event and the merge records (a duplicate is dropped).</item>
/// </list>
/// A Redis failure throws, so the runtime retries the batch; the fence makes that harmless.
/// </summary>
public sealed class IdentityPipeline(TenantRules tenantRules, StitchPersons stitch, IdentityGraph graph) : IConsumerHandler<TrackingEvent>
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
                outcomes[i] = Count(HandlerOutcome.DeadLetter($"tenant '{e.Tenant}' is not valid: use 1-64 letters, digits, '-' or '_'."), "bad_tenant");
                continue;
            }
            var rules = tenantRules.For(e.Tenant);
            var read = ReadIdentifiers.From(e, rules);
            if (read.Problem is not null)
            {
                outcomes[i] = Count(HandlerOutcome.DeadLetter(read.Problem), "no_identifier");
                continue;
            }
            toStitch.Add((e.Tenant, rules, new StitchRequest(e.MessageId, batch[i].Position, e.ReceivedAt, e.Timestamp, e.Source, e.Type, read.Identifiers)));
            stitchedIndex.Add(i);
        }

        var results = await stitch.RunAsync(toStitch);

        for (var j = 0; j < results.Length; j++)
        {
            var i = stitchedIndex[j];
            var e = batch[i].Value;
            var result = results[j];
            var (tenant, _, request) = toStitch[j];
            if (result.Status == StitchStatus.Duplicate)
            {
                outcomes[i] = Count(HandlerOutcome.Drop(
                    $"duplicate: messageId {e.MessageId} was already identified (person {result.PersonId}) within the dedup window"), "duplicate");
                continue;
            }
            if (result.Status == StitchStatus.Stitched)
            {
                foreach (var merge in result.Merges)
                    Merges.Add(1, new KeyValuePair<string, object?>("outcome", merge.Outcome));
            }
            var identifiers = await LinkedIdentifiers(tenant, request.Identifiers);
            outcomes[i] = Count(HandlerOutcome.Continue(EmitOutputs.For(e, result, identifiers)), result.Status == StitchStatus.Stitched ? "stitched" : "replayed");
        }
        return outcomes;
    }

    /// <summary>
    /// The event's identifiers as <c>type:value</c>, an alias's previousId under the type the stitch
    /// script linked it as (one read, alias events only; left out when it could not be linked).
    /// </summary>
    private async Task<IReadOnlyList<string>> LinkedIdentifiers(string tenant, IReadOnlyList<Identifier> identifiers)
    {
        var linked = new List<string>(identifiers.Count);
        foreach (var identifier in identifiers)
        {
            if (identifier.Type != IdentifierTypes.PreviousId)
                linked.Add(identifier.ToString());
            else if (await graph.PreviousIdTypeAsync(tenant, identifier.Value) is { } type)
                linked.Add($"{type}:{identifier.Value}");
        }
        return linked;
    }

    private static HandlerOutcome Count(HandlerOutcome outcome, string result)
    {
        Events.Add(1, new KeyValuePair<string, object?>("result", result));
        return outcome;
    }
}
