using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Journeys.Model;
using Streaming.Journeys.Storage;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Timers;

namespace Streaming.Journeys.Engine;

/// <summary>Where an input sits: its fence (topic/partition@incarnation and offset) and, when it has one, its own id.</summary>
public sealed record InputFence(string Key, long Offset, string? Id)
{
    public static InputFence Of<T>(InboundMessage<T> message, string? id) => new(message.FenceKey, message.Offset, id);
}

/// <summary>
/// Applies one input to one person: read, fence, change, set timers, compare-and-set, in that order.
/// An input already applied (its offset fenced, or its id seen) changes nothing and answers the
/// outputs it caused if they are still kept (a redelivery before they were acknowledged), so no
/// input ever requests a message twice. Timers are set before the write (a timer whose write lost
/// fires into an instance that does not wait for it, and changes nothing) and cancelled after it.
/// </summary>
public sealed class PersonUpdater(PersonStateStore store, [Microsoft.Extensions.DependencyInjection.FromKeyedServices(JourneyTimers.SetName)] IDurableTimers timers, TimeProvider time)
{
    private const int MaxAttempts = 64;
    private const int KeptSeen = 128;
    private const int KeptPending = 16;

    public async Task<IReadOnlyList<OutboundMessage>> ApplyAsync(string tenant, long personId, InputFence? fence, string cause, Action<Transition> apply)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var (state, version) = await store.LoadAsync(tenant, personId);
            if (fence is not null && IsApplied(state, fence))
                return Replay(state, cause);
            var transition = new Transition(tenant, personId, state, time.GetUtcNow().ToUnixTimeMilliseconds(), cause);
            apply(transition);
            if (!transition.Changed)
            {
                // Nothing to remember: applying it again changes nothing either.
                return [];
            }
            Record(state, fence, transition);
            if (transition.TimerSets.Count > 0)
                await timers.ApplyAsync(transition.TimerSets);
            if (!await store.TrySaveAsync(tenant, personId, state, version, transition.Stats))
                continue;
            if (transition.TimerCancels.Count > 0)
                await timers.ApplyAsync(transition.TimerCancels);
            return Outputs(tenant, personId, transition.Dispatches, transition.Events);
        }
        throw new InvalidOperationException($"Person {tenant}/{personId} changed under {MaxAttempts} attempts in a row; retrying the input.");
    }

    /// <summary>A merge: the absorbed person's state is folded into the survivor's and deleted, in one compare-and-set over both.</summary>
    public async Task<IReadOnlyList<OutboundMessage>> MergeAsync(string tenant, long survivor, long absorbed, InputFence fence, string cause, Action<Transition, PersonState> apply)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var (state, version) = await store.LoadAsync(tenant, survivor);
            if (IsApplied(state, fence))
                return Replay(state, cause);
            var (other, otherVersion) = await store.LoadAsync(tenant, absorbed);
            var transition = new Transition(tenant, survivor, state, time.GetUtcNow().ToUnixTimeMilliseconds(), cause);
            apply(transition, other);
            Record(state, fence, transition);
            if (transition.TimerSets.Count > 0)
                await timers.ApplyAsync(transition.TimerSets);
            if (!await store.TrySaveAsync(tenant, survivor, state, version, transition.Stats, otherVersion == 0 ? null : (tenant, absorbed, otherVersion)))
                continue;
            if (transition.TimerCancels.Count > 0)
                await timers.ApplyAsync(transition.TimerCancels);
            return Outputs(tenant, survivor, transition.Dispatches, transition.Events);
        }
        throw new InvalidOperationException($"Persons {tenant}/{survivor} and {absorbed} changed under {MaxAttempts} attempts in a row; retrying the merge.");
    }

    private static bool IsApplied(PersonState state, InputFence fence) =>
        (state.Offsets.TryGetValue(fence.Key, out var applied) && applied >= fence.Offset)
        || (fence.Id is not null && state.Seen.Contains(fence.Id));

    private static void Record(PersonState state, InputFence? fence, Transition transition)
    {
        if (fence is not null)
        {
            state.Offsets[fence.Key] = fence.Offset;
            if (fence.Id is not null)
            {
                state.Seen.Add(fence.Id);
                if (state.Seen.Count > KeptSeen)
                    state.Seen.RemoveAt(0);
            }
        }
        state.Pending.RemoveAll(p => p.Cause == transition.Cause);
        if (transition.Dispatches.Count > 0 || transition.Events.Count > 0)
            state.Pending.Add(new PendingOutputs { Cause = transition.Cause, Dispatches = transition.Dispatches, Events = transition.Events });
        if (state.Pending.Count > KeptPending)
            state.Pending.RemoveAt(0);
    }

    private static List<OutboundMessage> Replay(PersonState state, string cause) =>
        state.Pending.FirstOrDefault(p => p.Cause == cause) is { } pending
            ? Outputs(pending.Events.FirstOrDefault()?.Tenant ?? pending.Dispatches[0].Tenant, pending.Dispatches.FirstOrDefault()?.PersonId ?? pending.Events[0].PersonId, pending.Dispatches, pending.Events)
            : [];

    private static List<OutboundMessage> Outputs(string tenant, long personId, List<DispatchRequest> dispatches, List<JourneyEvent> events)
    {
        var key = PartitionKey.For(tenant, personId);
        var outputs = new List<OutboundMessage>(dispatches.Count + events.Count);
        foreach (var request in dispatches)
            outputs.Add(OutboundMessage.Create(TopicCatalog.Dispatch(request.Channel), key, request));
        foreach (var journeyEvent in events)
            outputs.Add(OutboundMessage.Create(TopicCatalog.JourneysEvents, key, journeyEvent));
        return outputs;
    }
}
