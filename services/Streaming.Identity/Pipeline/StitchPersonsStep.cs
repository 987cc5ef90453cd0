using Streaming.Identity.Graph;
using Streaming.Identity.Rules;

namespace Streaming.Identity.Pipeline;

/// <summary>
/// Step 2: resolves and merges the persons of a batch in Redis: one atomic script call per tenant
/// in the batch, events in offset order. Returns one result per request, in the same order.
/// </summary>
public sealed class StitchPersonsStep(IdentityGraph graph)
{
    public async Task<StitchResult[]> RunAsync(IReadOnlyList<(string Tenant, IdentityRules Rules, StitchRequest Request)> events)
    {
        var results = new StitchResult[events.Count];
        var byTenant = new Dictionary<string, List<int>>();
        for (var i = 0; i < events.Count; i++)
        {
            if (!byTenant.TryGetValue(events[i].Tenant, out var indexes))
                byTenant[events[i].Tenant] = indexes = [];
            indexes.Add(i);
        }
        await Task.WhenAll(byTenant.Select(async group =>
        {
            var indexes = group.Value;
            var rules = events[indexes[0]].Rules;
            var answers = await graph.StitchAsync(group.Key, rules, [.. indexes.Select(i => events[i].Request)]);
            for (var j = 0; j < indexes.Count; j++)
                results[indexes[j]] = answers[j];
        }));
        return results;
    }
}
