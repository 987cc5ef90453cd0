using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Profiles.Storage;
using Streaming.Profiles.Tags;
using Streaming.Profiles.Timers;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Kafka;

namespace Streaming.Profiles.Pipeline;

/// <summary>
/// Consumes events.identified. A batch is split by person; each person's messages are applied in
/// order to the profile loaded once, and written back in one compare-and-set together with the
/// per-partition fence and the changes they caused. A redelivered message is fenced: it changes
/// nothing and re-sends the changes it caused (same ids), if they were not superseded since.
/// </summary>
public sealed class EventsHandler(ProfileStore store, TagCatalog catalog, TagTimers timers, TimeProvider time) : IConsumerHandler<IdentifiedEvent>
{
    private const int Parallelism = 32;

    public async Task<IReadOnlyList<HandlerOutcome>> HandleAsync(IReadOnlyList<InboundMessage<IdentifiedEvent>> batch, CancellationToken cancellationToken)
    {
        await catalog.Loaded.WaitAsync(cancellationToken);
        var outcomes = new HandlerOutcome[batch.Count];
        var people = new Dictionary<(string, long), List<int>>();
        for (var i = 0; i < batch.Count; i++)
        {
            var value = batch[i].Value;
            if (value.PersonId <= 0)
            {
                outcomes[i] = HandlerOutcome.DeadLetter($"personId must be a positive person id (got {value.PersonId}); the identity service assigns it");
                continue;
            }
            if (string.IsNullOrEmpty(value.Event.Tenant))
            {
                outcomes[i] = HandlerOutcome.DeadLetter("tenant is empty; every event carries the tenant of its write key");
                continue;
            }
            var key = (value.Event.Tenant, value.PersonId);
            if (!people.TryGetValue(key, out var indexes))
                people[key] = indexes = [];
            indexes.Add(i);
        }
        await Parallel.ForEachAsync(people, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (person, _) => await ApplyAsync(person.Key.Item1, person.Key.Item2, person.Value, batch, outcomes));
        return outcomes;
    }

    private async Task ApplyAsync(string tenant, long personId, List<int> indexes, IReadOnlyList<InboundMessage<IdentifiedEvent>> batch, HandlerOutcome[] outcomes)
    {
        var tags = catalog.For(tenant);
        while (true)
        {
            var profile = await store.LoadCurrentAsync(tenant, personId);
            var state = profile.State;
            var knownIdentifiers = state.Identifiers.ToHashSet(StringComparer.Ordinal);
            var outputs = new List<ProfileChange>[indexes.Count];
            var pending = new Dictionary<string, List<ProfileChange>>(StringComparer.Ordinal);
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            for (var n = 0; n < indexes.Count; n++)
            {
                var message = batch[indexes[n]];
                var fence = $"{message.Topic}/{message.Partition}";
                if (state.Fences.TryGetValue(fence, out var applied) && message.Offset <= applied)
                {
                    outputs[n] = state.Pending.GetValueOrDefault(message.Position) ?? [];
                    continue;
                }
                outputs[n] = ProfilePipeline.Run(state, profile.PersonId, message.Value, message.Position, tags, now);
                state.Fences[fence] = message.Offset;
                pending[message.Position] = outputs[n];
            }
            var due = tags.IsTimeDependent ? TagSchedule.NextDue(state, tags, now) : state.TimerDue;
            var reschedule = due != state.TimerDue || pending.Count == 0;
            if (pending.Count > 0)
            {
                state.TimerDue = due;
                ReplacePending(state, batch[indexes[0]].Topic, batch[indexes[0]].Partition, pending);
                var index = state.Identifiers.Where(i => !knownIdentifiers.Contains(i)).Select(i => (tenant, i, profile.PersonId)).ToList();
                if (!await store.TrySaveAsync([(profile, false)], index))
                    continue;
            }
            // Set after the write when it changed, and always for a redelivery: a crash in between loses no timer.
            if (tags.IsTimeDependent && reschedule)
                await timers.ScheduleAsync(tenant, profile.PersonId, due);
            for (var n = 0; n < indexes.Count; n++)
                outcomes[indexes[n]] = HandlerOutcome.Continue([.. outputs[n].Select(ToMessage)]);
            return;
        }
    }

    /// <summary>
    /// The pending changes of one input partition are replaced by those of its latest write (the
    /// runtime hands over a partition's next batch only after the previous one's outputs were
    /// acknowledged); other partitions' entries stay until their own next write.
    /// </summary>
    public static void ReplacePending(Model.ProfileState state, string topic, int partition, Dictionary<string, List<ProfileChange>> entries)
    {
        var prefix = $"{topic}/{partition}/";
        foreach (var key in state.Pending.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            state.Pending.Remove(key);
        foreach (var (key, changes) in entries)
            state.Pending[key] = changes;
    }

    public static OutboundMessage ToMessage(ProfileChange change) =>
        OutboundMessage.Create(TopicCatalog.ProfilesChanges, PartitionKey.For(change.Tenant, change.PersonId), change);
}
