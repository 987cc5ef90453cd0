using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Streaming.Conditions.Evaluation;
using Streaming.Contracts.Records;
using Streaming.Profiles.Model;
using Streaming.Profiles.Storage;
using Streaming.Profiles.Tags;
using Streaming.Profiles.Timers;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Profiles.Pipeline;

/// <summary>
/// events.identified → live profiles + profiles.changes, top to bottom:
/// <list type="number">
/// <item>check: a message without a person or a tenant is dead-lettered; the others are grouped by tenant and person;</item>
/// <item>load: per tenant, every profile of the batch in one round trip (<see cref="ProfileGroup"/>, merge redirects followed);</item>
/// <item>per profile, its messages in offset order: <see cref="FenceRedeliveryStep"/> (re-send what a redelivered
/// message caused), <see cref="FenceDuplicateStep"/>, then <see cref="Run(ProfileState, long, IdentifiedEvent, string, TenantTags, long)"/>:
/// <see cref="ApplyEventStep"/> → <see cref="EvaluateTagsStep"/> → <see cref="EmitChangesStep"/>;</item>
/// <item>write: every changed profile with its fences and pending changes, one compare-and-set each in one
/// call (<see cref="ProfileStore.TrySaveManyAsync"/>); a profile another writer changed since is loaded again and redone;</item>
/// <item>schedule the written profiles' timers, then hand their changes to the runtime.</item>
/// </list>
/// A redelivered message changes nothing and re-sends its changes (same ids) if not superseded; an event
/// the profile applied already at another offset changes nothing and sends nothing.
/// </summary>
public sealed class ProfilePipeline(ProfileStore store, TagCatalog catalog, TagTimers timers, TimeProvider time, ILogger<ProfilePipeline>? logger = null) : IConsumerHandler<IdentifiedEvent>, IDisposable
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

    /// <summary>One event through the steps on a loaded profile: apply, evaluate the tags, emit the changes.</summary>
    public static List<ProfileChange> Run(ProfileState state, long personId, IdentifiedEvent identified, string position, TenantTags tags, long now) =>
        Run(state, personId, identified, position, tags, now, out _);

    /// <summary>Also hands out the tag evaluation: its metric values serve the timer schedule of the same profile.</summary>
    public static List<ProfileChange> Run(ProfileState state, long personId, IdentifiedEvent identified, string position, TenantTags tags, long now, out TagEvaluation evaluation)
    {
        var e = identified.Event;
        var traits = ApplyEventStep.Apply(state, new EventView(e), tags, now, identified.Identifiers);
        evaluation = new TagEvaluation(state, tags, now);
        var tagChanges = EvaluateTagsStep.Evaluate(evaluation, tags);
        return EmitChangesStep.Changes(e.Tenant, personId, position, e.MessageId, now, traits, tagChanges);
    }

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
            var addressed = CheckAddress(value);
            if (!addressed.Continues)
            {
                outcomes[i] = HandlerOutcome.Of(addressed);
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
            await ApplyTenantAsync(tenant, people, batch, outcomes, skipped);
        if (skipped.Fenced + skipped.Duplicates > 0)
        {
            // One line per batch, not per event: a replay can skip thousands.
            _logger.LogInformation("Profiles skipped {Fenced} redelivered message(s) of {Fence} (already applied at these offsets) and {Duplicates} duplicate(s) by messageId (applied before at another offset), offsets {First}-{Last}",
                skipped.Fenced, batch[0].FenceKey, skipped.Duplicates, batch[0].Offset, batch[^1].Offset);
        }
        return outcomes;
    }

    /// <summary>An event belongs to one person of one tenant; identity and the gateway set both.</summary>
    private static StepResult CheckAddress(IdentifiedEvent value)
    {
        if (value.PersonId <= 0)
            return StepResult.DeadLetter($"personId must be a positive person id (got {value.PersonId}); the identity service assigns it");
        if (string.IsNullOrEmpty(value.Event.Tenant))
            return StepResult.DeadLetter("tenant is empty; every event carries the tenant of its write key");
        return StepResult.Continue;
    }

    /// <summary>What the fences left out of a batch (counted for one log line).</summary>
    private sealed class Skipped
    {
        public int Fenced;
        public int Duplicates;
    }

    /// <summary>A profile's messages applied in memory: their changes, the write to make (none when nothing changed) and its next timer.</summary>
    private sealed record AppliedProfile(ProfileGroup Group, List<ProfileChange>[] Outputs, ProfileWrite? Write, bool Reschedule, long? Due, int Fenced, int Duplicates);

    private async Task ApplyTenantAsync(string tenant, Dictionary<long, List<int>> people, IReadOnlyList<InboundMessage<IdentifiedEvent>> batch, HandlerOutcome[] outcomes, Skipped skipped)
    {
        var tags = catalog.For(tenant);
        var remaining = people.Keys.ToList();
        // First from what this instance wrote last; a compare-and-set that fails is redone from Redis.
        for (var attempt = 0; remaining.Count > 0; attempt++)
        {
            var groups = await ProfileGroup.LoadAsync(store, tenant, remaining, people, cached: attempt == 0);
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var applied = new List<AppliedProfile>(groups.Count);
            var writes = new List<ProfileWrite>(groups.Count);
            foreach (var group in groups)
            {
                var profile = ApplyMessages(group, batch, tags, now);
                applied.Add(profile);
                if (profile.Write is not null)
                    writes.Add(profile.Write);
            }

            var saved = writes.Count > 0 ? await store.TrySaveManyAsync(tenant, writes) : [];
            var lost = new HashSet<long>();
            for (var w = 0; w < writes.Count; w++)
            {
                if (!saved[w])
                    lost.Add(writes[w].PersonId);
            }

            remaining = [];
            var schedule = new List<(string, long, long?)>();
            foreach (var profile in applied)
            {
                var group = profile.Group;
                if (lost.Contains(group.Profile.PersonId))
                {
                    remaining.AddRange(group.People);
                    continue;
                }
                skipped.Fenced += profile.Fenced;
                skipped.Duplicates += profile.Duplicates;
                // Set after the write when it changed, and always for a redelivery: a crash in between loses no timer.
                if (tags.IsTimeDependent && profile.Reschedule)
                    schedule.Add((tenant, group.Profile.PersonId, profile.Due));
                for (var n = 0; n < group.Indexes.Count; n++)
                    outcomes[group.Indexes[n]] = HandlerOutcome.Continue([.. profile.Outputs[n].Select(EmitChangesStep.ToMessage)]);
            }
            await timers.ScheduleManyAsync(schedule);
        }
    }

    /// <summary>
    /// Applies a profile's messages in order behind the fences and sets its next timer; the write to
    /// make, if any, carries the state encoded again: nothing is stored yet.
    /// </summary>
    private static AppliedProfile ApplyMessages(ProfileGroup group, IReadOnlyList<InboundMessage<IdentifiedEvent>> batch, TenantTags tags, long now)
    {
        var state = group.Profile.Decode();
        var knownIdentifiers = state.Identifiers.Count;
        var indexes = group.Indexes;
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
            if (!FenceRedeliveryStep.Run(state, fence, message.Offset).Continues)
            {
                outputs[n] = PendingChanges.Of(state, position);
                fenced++;
                continue;
            }
            var cause = CauseHeader.Read(message.Headers);
            var id = AppliedMessages.Hash(message.Value.Event.MessageId);
            if (FenceDuplicateStep.Run(state, cause, id).Continues)
            {
                outputs[n] = Run(state, group.Profile.PersonId, message.Value, position, tags, now, out evaluation);
                AppliedMessages.Remember(state, id);
            }
            else
            {
                outputs[n] = [];
                duplicates++;
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
            return new AppliedProfile(group, outputs, null, reschedule, due, fenced, duplicates);
        state.TimerDue = due;
        PendingChanges.Replace(state, first.Topic, first.Partition, pending);
        return new AppliedProfile(group, outputs, ProfileWrite.Of(group.Profile, state, knownIdentifiers), reschedule, due, fenced, duplicates);
    }

    public void Dispose() => _concurrency.Dispose();
}
