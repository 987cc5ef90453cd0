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

/// <summary>What applying one input produced: the messages to produce and what to acknowledge once the broker has them.</summary>
public sealed record AppliedInput(IReadOnlyList<OutboundMessage> Outputs, (string Tenant, long PersonId, string Cause)? Acknowledge)
{
    public static readonly AppliedInput Nothing = new([], null);
}

/// <summary>
/// Applies one input to one person: read, fence, change, set timers, compare-and-set, in that order.
/// The outputs are written with the state (a pending entry per cause) and removed once the broker
/// acknowledged them (<see cref="AcknowledgeAsync"/>). An input already applied (its offset fenced, or
/// its id seen) changes nothing and answers only outputs still pending (a crash between the write
/// and the produce), so a replay never requests a message twice. Timers are set before the write
/// (a timer whose write lost fires into an instance that does not wait for it) and cancelled after it.
/// </summary>
public sealed class PersonUpdater(PersonStateStore store, [Microsoft.Extensions.DependencyInjection.FromKeyedServices(JourneyTimers.SetName)] IDurableTimers timers, IEventProducer producer, TimeProvider time)
{
    private const int MaxAttempts = 64;
    private const int KeptSeen = 128;

    public async Task<AppliedInput> ApplyAsync(string tenant, long personId, InputFence? fence, string cause, Action<Transition> apply)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var (state, version) = await store.LoadAsync(tenant, personId);
            if (fence is not null && IsApplied(state, fence))
                return await StillPendingAsync(tenant, personId, cause);
            var transition = new Transition(tenant, personId, state, time.GetUtcNow().ToUnixTimeMilliseconds(), cause);
            apply(transition);
            if (!transition.Changed)
            {
                // Nothing to remember: applying it again changes nothing either.
                return AppliedInput.Nothing;
            }
            Record(state, fence);
            if (transition.TimerSets.Count > 0)
                await timers.ApplyAsync(transition.TimerSets);
            if (!await store.TrySaveAsync(tenant, personId, state, version, transition.Stats, cause, Pending(transition)))
                continue;
            if (transition.TimerCancels.Count > 0)
                await timers.ApplyAsync(transition.TimerCancels);
            return Applied(tenant, personId, cause, Pending(transition));
        }
        throw new InvalidOperationException($"Person {tenant}/{personId} changed under {MaxAttempts} attempts in a row; retrying the input.");
    }

    /// <summary>A merge: the absorbed person's state is folded into the survivor's and deleted, in one compare-and-set over both.</summary>
    public async Task<AppliedInput> MergeAsync(string tenant, long survivor, long absorbed, InputFence fence, string cause, Action<Transition, PersonState> apply)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var (state, version) = await store.LoadAsync(tenant, survivor);
            if (IsApplied(state, fence))
                return await StillPendingAsync(tenant, survivor, cause);
            var (other, otherVersion) = await store.LoadAsync(tenant, absorbed);
            var transition = new Transition(tenant, survivor, state, time.GetUtcNow().ToUnixTimeMilliseconds(), cause);
            apply(transition, other);
            Record(state, fence);
            if (transition.TimerSets.Count > 0)
                await timers.ApplyAsync(transition.TimerSets);
            if (!await store.TrySaveAsync(tenant, survivor, state, version, transition.Stats, cause, Pending(transition), otherVersion == 0 ? null : (tenant, absorbed, otherVersion)))
                continue;
            if (transition.TimerCancels.Count > 0)
                await timers.ApplyAsync(transition.TimerCancels);
            return Applied(tenant, survivor, cause, Pending(transition));
        }
        throw new InvalidOperationException($"Persons {tenant}/{survivor} and {absorbed} changed under {MaxAttempts} attempts in a row; retrying the merge.");
    }

    /// <summary>Produces the outputs of several applied inputs (one wait for all acknowledgements), then drops their pending entries.</summary>
    public async Task ProduceAsync(IReadOnlyList<AppliedInput> applied, CancellationToken cancellationToken)
    {
        var outputs = applied.SelectMany(a => a.Outputs).ToList();
        if (outputs.Count > 0)
            await producer.ProduceAllAsync(outputs, cancellationToken);
        var acknowledged = applied.Where(a => a.Acknowledge is not null).Select(a => a.Acknowledge!.Value).ToList();
        if (acknowledged.Count > 0)
            await store.AcknowledgeAsync(acknowledged);
    }

    private async Task<AppliedInput> StillPendingAsync(string tenant, long personId, string cause) =>
        await store.PendingAsync(tenant, personId, cause) is { } pending
            ? Applied(tenant, personId, cause, pending)
            : AppliedInput.Nothing;

    private static bool IsApplied(PersonState state, InputFence fence) =>
        (state.Offsets.TryGetValue(fence.Key, out var applied) && applied >= fence.Offset)
        || (fence.Id is not null && state.Seen.Contains(fence.Id));

    private static void Record(PersonState state, InputFence? fence)
    {
        if (fence is null)
            return;
        state.Offsets[fence.Key] = fence.Offset;
        if (fence.Id is not null)
        {
            state.Seen.Add(fence.Id);
            if (state.Seen.Count > KeptSeen)
                state.Seen.RemoveAt(0);
        }
    }

    private static PendingOutputs? Pending(Transition transition) =>
        transition.Dispatches.Count > 0 || transition.Events.Count > 0 || transition.ProfileUpdates.Count > 0
            ? new PendingOutputs { Dispatches = transition.Dispatches, Events = transition.Events, ProfileUpdates = transition.ProfileUpdates }
            : null;

    private static AppliedInput Applied(string tenant, long personId, string cause, PendingOutputs? pending)
    {
        if (pending is null || (pending.Dispatches.Count == 0 && pending.Events.Count == 0 && pending.ProfileUpdates.Count == 0))
            return AppliedInput.Nothing;
        var key = PartitionKey.For(tenant, personId);
        var outputs = new List<OutboundMessage>(pending.Dispatches.Count + pending.Events.Count + pending.ProfileUpdates.Count);
        foreach (var request in pending.Dispatches)
            outputs.Add(OutboundMessage.Create(TopicCatalog.Dispatch(request.Channel), key, request));
        foreach (var journeyEvent in pending.Events)
            outputs.Add(OutboundMessage.Create(TopicCatalog.JourneysEvents, key, journeyEvent));
        // Keyed as the gateway keys events.raw (tenant + best identifier), so identity orders it with the person's other calls.
        foreach (var update in pending.ProfileUpdates)
            outputs.Add(OutboundMessage.Create(TopicCatalog.EventsRaw, PartitionKey.For(tenant, update.BestIdentifier!), update));
        return new AppliedInput(outputs, (tenant, personId, cause));
    }
}
