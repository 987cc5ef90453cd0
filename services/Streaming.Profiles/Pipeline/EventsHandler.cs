using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Profiles.Storage;
using Streaming.Profiles.Tags;
using Streaming.Profiles.Timers;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Streaming.Profiles.Model;

namespace Streaming.Profiles.Pipeline;

/// <summary>
/// Consumes events.identified. A batch is split by person; each person's messages are applied in
/// order to the profile loaded once, and written back in one compare-and-set together with the
/// per-partition fence and the changes they caused. A redelivered message is fenced: it changes
/// nothing and re-sends the changes it caused (same ids), if they were not superseded since. A
/// message whose id the profile applied recently at another offset (identity re-emits a
/// redelivered input at a new offset) changes nothing and sends nothing.
/// Redis is asked per batch, not per person: one call loads every profile of the batch, one call
/// writes them (each its own compare-and-set), one command per timer set schedules their timers.
/// </summary>
public sealed class EventsHandler(ProfileStore store, TagCatalog catalog, TagTimers timers, TimeProvider time, ILogger<EventsHandler>? logger = null) : IConsumerHandler<IdentifiedEvent>, IDisposable
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <summary>
    /// Batches applied at once, whatever the number of partitions: enough to overlap some batches'
    /// Redis round trips with others' CPU work (on 2 cores: 4 beat 2 and 8). Each batch in flight
    /// holds its messages and changes; with one per partition (12 or more) the garbage collector
    /// copied them on every collection.
    /// </summary>
    public static readonly int MaxConcurrentBatches = Math.Max(4, Environment.ProcessorCount);

    private readonly SemaphoreSlim _concurrency = new(MaxConcurrentBatches);

    public void Dispose() => _concurrency.Dispose();

    public async Task<IReadOnlyList<HandlerOutcome>> HandleAsync(IReadOnlyList<InboundMessage<IdentifiedEvent>> batch, CancellationToken cancellationToken)
    {
        await catalog.Loaded.WaitAsync(cancellationToken);
        await _concurrency.WaitAsync(cancellationToken);
        try
        {
            return await HandleBatchAsync(batch);
        }
        finally
        {
            _concurrency.Release();
        }
    }

    private async Task<IReadOnlyList<HandlerOutcome>> HandleBatchAsync(IReadOnlyList<InboundMessage<IdentifiedEvent>> batch)
    {
        var outcomes = new HandlerOutcome[batch.Count];
        var tenants = new Dictionary<string, Dictionary<long, List<int>>>(StringComparer.Ordinal);
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
            if (!tenants.TryGetValue(value.Event.Tenant, out var people))
                tenants[value.Event.Tenant] = people = [];
            if (!people.TryGetValue(value.PersonId, out var indexes))
                people[value.PersonId] = indexes = [];
            indexes.Add(i);
        }
        var skipped = new Skipped();
        foreach (var (tenant, people) in tenants)
            await ApplyAsync(tenant, people, batch, outcomes, skipped);
        if (skipped.Fenced + skipped.Duplicates > 0)
        {
            // One line per batch, not per event: a replay can skip thousands.
            _logger.LogInformation("Profiles skipped {Fenced} redelivered message(s) of {Fence} (already applied at these offsets) and {Duplicates} duplicate(s) by messageId (applied before at another offset), offsets {First}-{Last}",
                skipped.Fenced, batch[0].FenceKey, skipped.Duplicates, batch[0].Offset, batch[^1].Offset);
        }
        return outcomes;
    }

    /// <summary>A profile and the batch's messages that land on it (its own and those of people merged into it), in offset order.</summary>
    private sealed record Group(EncodedProfile Profile, List<long> People, List<int> Indexes);

    /// <summary>What the fences left out of a batch (counted for one log line).</summary>
    private sealed class Skipped
    {
        public int Fenced;
        public int Duplicates;
    }

    private async Task ApplyAsync(string tenant, Dictionary<long, List<int>> people, IReadOnlyList<InboundMessage<IdentifiedEvent>> batch, HandlerOutcome[] outcomes, Skipped skipped)
    {
        var tags = catalog.For(tenant);
        var remaining = people.Keys.ToList();
        // First from what this instance wrote last; a compare-and-set that fails is redone from Redis.
        for (var attempt = 0; remaining.Count > 0; attempt++)
        {
            var loaded = await store.LoadCurrentEncodedManyAsync(tenant, remaining, cached: attempt == 0);
            var groups = new Dictionary<long, Group>();
            for (var i = 0; i < loaded.Length; i++)
            {
                if (!groups.TryGetValue(loaded[i].PersonId, out var group))
                    groups[loaded[i].PersonId] = group = new Group(loaded[i], [], []);
                group.People.Add(remaining[i]);
                group.Indexes.AddRange(people[remaining[i]]);
            }
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var applied = new List<(Group Group, List<ProfileChange>[] Outputs, bool Reschedule, long? Due, int Fenced, int Duplicates)>(groups.Count);
            var writes = new List<ProfileWrite>(groups.Count);
            foreach (var group in groups.Values)
            {
                if (group.People.Count > 1)
                    group.Indexes.Sort();
                var (outputs, write, reschedule, due, fenced, duplicates) = Apply(group.Profile, group.Indexes, batch, tags, now);
                applied.Add((group, outputs, reschedule, due, fenced, duplicates));
                if (write is not null)
                    writes.Add(write);
            }
            var saved = writes.Count > 0 ? await store.TrySaveManyAsync(tenant, writes) : [];
            var failed = new HashSet<long>();
            for (var w = 0; w < writes.Count; w++)
            {
                if (!saved[w])
                    failed.Add(writes[w].PersonId);
            }
            remaining = [];
            var schedule = new List<(string, long, long?)>();
            foreach (var (group, outputs, reschedule, due, fenced, duplicates) in applied)
            {
                if (failed.Contains(group.Profile.PersonId))
                {
                    remaining.AddRange(group.People);
                    continue;
                }
                skipped.Fenced += fenced;
                skipped.Duplicates += duplicates;
                // Set after the write when it changed, and always for a redelivery: a crash in between loses no timer.
                if (tags.IsTimeDependent && reschedule)
                    schedule.Add((tenant, group.Profile.PersonId, due));
                for (var n = 0; n < group.Indexes.Count; n++)
                    outcomes[group.Indexes[n]] = HandlerOutcome.Continue([.. outputs[n].Select(ToMessage)]);
            }
            await timers.ScheduleManyAsync(schedule);
        }
    }

    /// <summary>
    /// Applies a profile's messages in order (fenced ones only re-send their changes) and sets its
    /// next timer; the write to make, if any, carries the state encoded again: nothing is stored yet.
    /// </summary>
    private static (List<ProfileChange>[] Outputs, ProfileWrite? Write, bool Reschedule, long? Due, int Fenced, int Duplicates) Apply(
        EncodedProfile profile, List<int> indexes, IReadOnlyList<InboundMessage<IdentifiedEvent>> batch, TenantTags tags, long now)
    {
        var state = profile.Decode();
        var knownIdentifiers = state.Identifiers.Count;
        var outputs = new List<ProfileChange>[indexes.Count];
        var pending = new Dictionary<string, List<ProfileChange>>(StringComparer.Ordinal);
        TagEvaluation? evaluation = null;
        int fenced = 0, duplicates = 0;
        // A batch comes from one partition of one incarnation of the topic.
        var first = batch[indexes[0]];
        var fence = first.FenceKey;
        for (var n = 0; n < indexes.Count; n++)
        {
            var message = batch[indexes[n]];
            var position = message.Position;
            if (state.Fences.TryGetValue(fence, out var applied) && message.Offset <= applied)
            {
                outputs[n] = state.Pending.GetValueOrDefault(position) ?? [];
                fenced++;
                continue;
            }
            var id = AppliedMessages.Hash(message.Value.Event.MessageId);
            var cause = CauseHeader.Read(message.Headers);
            if (cause is { } made && state.Fences.TryGetValue(made.FenceKey, out var causeApplied) && made.Offset <= causeApplied)
            {
                // Made again from an input identity had already handled (it crashed before committing):
                // exact whatever the number of events since, unlike the window of message ids below.
                outputs[n] = [];
                duplicates++;
            }
            else if (AppliedMessages.Contains(state, id))
            {
                // The same event at another offset (a client's retry): applied once already, its changes were sent then.
                outputs[n] = [];
                duplicates++;
            }
            else
            {
                outputs[n] = ProfilePipeline.Run(state, profile.PersonId, message.Value, position, tags, now, out evaluation);
                AppliedMessages.Remember(state, id);
            }
            if (cause is { } upstream)
                CauseFences.Advance(state, upstream);
            state.Fences[fence] = message.Offset;
            pending[position] = outputs[n];
        }
        if (pending.Count > 0)
            OffsetFences.RetireOthers(state, first.Topic, first.Partition, fence);
        var due = !tags.IsTimeDependent ? state.TimerDue
            : evaluation is null ? TagSchedule.NextDue(state, tags, now)
            : TagSchedule.NextDue(evaluation, tags);
        var reschedule = due != state.TimerDue || pending.Count == 0;
        if (pending.Count == 0)
            return (outputs, null, reschedule, due, fenced, duplicates);
        state.TimerDue = due;
        ReplacePending(state, first.Topic, first.Partition, pending);
        // Identifiers are only ever appended (bounded): the new ones follow the known ones.
        var write = new ProfileWrite(profile.PersonId, profile.Version, ProfileCodec.Encode(state), state.Identifiers[knownIdentifiers..]);
        return (outputs, write, reschedule, due, fenced, duplicates);
    }

    /// <summary>
    /// The pending changes of one input partition are replaced by those of its latest write (the
    /// runtime hands over a partition's next batch only after the previous one's outputs were
    /// acknowledged); other partitions' entries stay until their own next write. Entries of earlier
    /// incarnations of the partition go too: they can never be redelivered.
    /// </summary>
    public static void ReplacePending(ProfileState state, string topic, int partition, Dictionary<string, List<ProfileChange>> entries)
    {
        var prefix = $"{topic}/{partition}/";
        var incarnations = $"{topic}/{partition}@";
        foreach (var key in state.Pending.Keys)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal) || key.StartsWith(incarnations, StringComparison.Ordinal))
                state.Pending.Remove(key);
        }
        foreach (var (key, changes) in entries)
            state.Pending[key] = changes;
    }

    public static OutboundMessage ToMessage(ProfileChange change) =>
        OutboundMessage.Create(TopicCatalog.ProfilesChanges, PartitionKey.For(change.Tenant, change.PersonId), change);
}
