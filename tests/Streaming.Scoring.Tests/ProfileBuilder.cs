using Streaming.Conditions.Evaluation;
using Streaming.Contracts.Records;
using Streaming.Profiles.Model;
using Streaming.Profiles.Pipeline;
using Streaming.Profiles.Storage;
using Streaming.Profiles.Tags;

namespace Streaming.Scoring.Tests;

/// <summary>Builds live profiles with the profiles service's own step (ApplyEventStep) and stores them with its store.</summary>
public static class ProfileBuilder
{
    /// <summary>Applies the events (in order, as the profiles service would receive them at <paramref name="now"/>) and saves one profile per person.</summary>
    public static async Task SaveAsync(ProfileStore store, string tenant, IEnumerable<IdentifiedEvent> events, long now)
    {
        var tags = TenantTags.Empty(tenant);
        var profiles = new Dictionary<long, ProfileState>();
        foreach (var e in events.OrderBy(e => e.Event.Timestamp))
        {
            if (!profiles.TryGetValue(e.PersonId, out var state))
                profiles[e.PersonId] = state = new ProfileState();
            ApplyEventStep.Apply(state, new EventView(e.Event), tags, now);
        }
        foreach (var (person, state) in profiles)
        {
            var loaded = await store.LoadAsync(tenant, person);
            Assert.True(await store.TrySaveAsync([(new StoredProfile(tenant, person, loaded.Version, state), false)], []));
        }
    }
}
