using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Journeys.Model;
using Streaming.ServiceDefaults.Timers;

namespace Streaming.Journeys.Engine;

/// <summary>
/// One input applied to one person's state: the state being changed and everything the change
/// causes — messages to request, journey events, timers to set and cancel, stat counters — written
/// or produced only if the person's compare-and-set succeeds.
/// </summary>
public sealed class Transition(string tenant, long personId, PersonState state, long now, string cause)
{
    public string Tenant { get; } = tenant;
    public long PersonId { get; } = personId;
    public PersonState State { get; } = state;
    public long Now { get; } = now;
    /// <summary>What caused this change (an input position, a timer); journey event ids derive from it.</summary>
    public string Cause { get; } = cause;
    public bool Changed { get; set; }
    public List<DispatchRequest> Dispatches { get; } = [];
    public List<JourneyEvent> Events { get; } = [];
    /// <summary>Identify calls (update-profile steps) for events.raw, the gateway's output topic.</summary>
    public List<TrackingEvent> ProfileUpdates { get; } = [];
    public List<TimerChange> TimerSets { get; } = [];
    public List<TimerChange> TimerCancels { get; } = [];
    /// <summary>(journey id, counter) → delta, e.g. ("new-member", "now:d1-push") → +1.</summary>
    public Dictionary<(string Journey, string Counter), long> Stats { get; } = [];

    public string PartitionKey => Contracts.PartitionKey.For(Tenant, PersonId);

    public void Count(string journeyId, string counter, long delta = 1)
    {
        Stats[(journeyId, counter)] = Stats.GetValueOrDefault((journeyId, counter)) + delta;
        Changed = true;
    }

    public void Emit(JourneyInstance instance, string kind, string? stepId, string? detail = null)
    {
        Events.Add(new JourneyEvent
        {
            EventId = DeterministicId.From("journey-event", Cause, instance.Id, kind, stepId ?? "", Events.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Tenant = Tenant,
            JourneyId = instance.JourneyId,
            Version = instance.Version,
            InstanceId = instance.Id,
            PersonId = PersonId,
            Kind = kind,
            StepId = stepId,
            Detail = detail,
            At = Now,
        });
        Changed = true;
    }

    public void SetWait(JourneyInstance instance, string kind, long due, string reason)
    {
        ClearWait(instance);
        instance.Waiting = kind;
        instance.WakeAt = due;
        instance.Reason = reason;
        TimerSets.Add(new TimerChange(PartitionKey, TimerIds.For(Tenant, PersonId, instance.Id, due), due));
        Changed = true;
    }

    public void ClearWait(JourneyInstance instance)
    {
        if (instance.Waiting is not null)
            TimerCancels.Add(new TimerChange(PartitionKey, TimerIds.For(Tenant, PersonId, instance.Id, instance.WakeAt), null));
        instance.Waiting = null;
        instance.WakeAt = 0;
        instance.Reason = null;
        Changed = true;
    }
}
