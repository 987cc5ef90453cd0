using Streaming.Profiles.Model;
using Streaming.Profiles.Pipeline;
using Streaming.Profiles.Storage;
using Streaming.Profiles.Timers;
using Streaming.ServiceDefaults.Kafka;

namespace Streaming.Profiles.Tags;

/// <summary>
/// Re-evaluates one stored profile's tags with no event (a definition changed, a timer fired).
/// The changes are produced first, with ids derived from <c>cause</c>, then the profile is written
/// with compare-and-set: a crash in between re-sends the same ids. Then the next timer is set.
/// </summary>
public sealed class ProfileReevaluation(TagCatalog catalog, ProfileStore store, TagTimers timers, IEventProducer producer, TimeProvider time)
{
    /// <summary>How many tags the person entered or left.</summary>
    /// <param name="update">
    /// A change to the stored state made before the tags are evaluated (a score written as a trait),
    /// true when it changed something to store; applied again to the profile reloaded after a lost
    /// compare-and-set. Its own announcement is the caller's: only tag changes are produced here.
    /// </param>
    public async Task<int> ReevaluateAsync(string tenant, long personId, string cause, CancellationToken cancellationToken, Func<ProfileState, bool>? update = null)
    {
        while (true)
        {
            var profile = await store.LoadAsync(tenant, personId);
            if (profile.State.MergedInto is not null || profile.Version == 0)
                return 0;
            var updated = update?.Invoke(profile.State) ?? false;
            var tags = catalog.For(tenant);
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var tagChanges = EvaluateTagsStep.Evaluate(profile.State, tags, now);
            var due = tags.IsTimeDependent ? TagSchedule.NextDue(profile.State, tags, now) : null;
            if (updated || tagChanges.Count > 0 || due != profile.State.TimerDue)
            {
                var changes = EmitChangesStep.Changes(tenant, personId, cause, null, now, [], tagChanges);
                if (changes.Count > 0)
                    await producer.ProduceAllAsync([.. changes.Select(EmitChangesStep.ToMessage)], cancellationToken);
                profile.State.TimerDue = due;
                if (!await store.TrySaveAsync([(profile, false)], []))
                    continue;
            }
            await timers.ScheduleAsync(tenant, personId, due);
            return tagChanges.Count;
        }
    }
}
