using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Streaming.Conditions.Evaluation;
using Streaming.Conditions.Parsing;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Journeys.Model;

namespace Streaming.Journeys.Engine;

/// <summary>
/// Moves one instance through its steps until it waits or ends: sends (with consent, caps and quiet
/// hours), delays, waits, branches, splits and exits. Pure over the <see cref="Transition"/>.
/// </summary>
public sealed class StepRunner(JourneySettings settings)
{
    /// <summary>Steps one input may pass at most (the parser allows no loops; this only bounds work).</summary>
    private const int MaxStepsPerRun = 200;

    /// <summary>Runs the current step of <paramref name="instance"/> (entered or woken) and the ones after it.</summary>
    public void Run(Transition t, JourneyInstance instance, JourneyDefinition definition)
    {
        for (var i = 0; i < MaxStepsPerRun; i++)
        {
            var step = definition.Step(instance.StepId);
            if (step is null)
            {
                End(t, instance, JourneyEventKind.Exited, $"step '{instance.StepId}' is not in version {instance.Version}");
                return;
            }
            var next = Execute(t, instance, definition, step);
            if (ReferenceEquals(next, Outcome.Wait) || ReferenceEquals(next, Outcome.Ended))
                return;
            var target = next.Target ?? definition.Following(step, null);
            if (target is null)
            {
                End(t, instance, JourneyEventKind.Exited, "completed");
                return;
            }
            MoveTo(t, instance, target);
        }
    }

    /// <summary>A waiting instance's timer fired: the delay is over, the wait timed out, or a held send may go.</summary>
    public void Wake(Transition t, JourneyInstance instance, JourneyDefinition definition)
    {
        var step = definition.Step(instance.StepId);
        var waiting = instance.Waiting;
        t.ClearWait(instance);
        switch (step)
        {
            case DelayStep delay:
                Continue(t, instance, definition, delay.Next ?? definition.Following(delay, null));
                break;
            case WaitUntilStep wait:
                if (wait.OnTimeout is null)
                {
                    End(t, instance, JourneyEventKind.Exited, $"timed out waiting at {wait.Id}");
                    return;
                }
                t.Emit(instance, JourneyEventKind.Branched, wait.Id, "timeout");
                Continue(t, instance, definition, wait.OnTimeout);
                break;
            case SendStep when waiting == WaitKind.Hold:
                Run(t, instance, definition);
                break;
            default:
                Run(t, instance, definition);
                break;
        }
    }

    /// <summary>Something happened that a wait-until may be waiting for: re-check it.</summary>
    public void Recheck(Transition t, JourneyInstance instance, JourneyDefinition definition, TrackingEvent? latest)
    {
        if (instance.Waiting != WaitKind.WaitUntil || definition.Step(instance.StepId) is not WaitUntilStep wait)
            return;
        var zone = Zone(t, definition);
        var satisfied = (wait.Event is not null && latest is not null && latest.Timestamp >= instance.StepStartedAt - 1 && new EventView(latest).Matches(wait.Event, zone))
            || (wait.Condition is not null && ConditionEvaluator.Evaluate(wait.Condition, new InstanceFacts(t.State, instance.Events, t.Now, zone)));
        if (!satisfied)
            return;
        t.ClearWait(instance);
        Continue(t, instance, definition, wait.Next ?? definition.Following(wait, null));
    }

    public void End(Transition t, JourneyInstance instance, string kind, string detail)
    {
        t.ClearWait(instance);
        t.State.Instances.Remove(instance);
        var history = t.State.Entries.TryGetValue(instance.JourneyId, out var h) ? h : t.State.Entries[instance.JourneyId] = new EntryHistory();
        history.Ended.Add(instance.Id);
        if (history.Ended.Count > 20)
            history.Ended.RemoveAt(0);
        t.Emit(instance, kind, instance.StepId, detail);
        t.Count(instance.JourneyId, "now:" + instance.StepId, -1);
        t.Count(instance.JourneyId, kind == JourneyEventKind.Converted ? "converted" : "exited");
    }

    public void MoveTo(Transition t, JourneyInstance instance, string stepId)
    {
        t.Count(instance.JourneyId, "now:" + instance.StepId, -1);
        instance.StepId = stepId;
        instance.StepStartedAt = t.Now;
        t.Count(instance.JourneyId, "now:" + stepId);
        t.Count(instance.JourneyId, "total:" + stepId);
        t.Emit(instance, JourneyEventKind.StepStarted, stepId);
    }

    public TimeZoneInfo Zone(Transition t, JourneyDefinition definition) =>
        t.State.Traits.TryGetValue(settings.TimeZoneTrait, out var tz) && tz.ValueKind == JsonValueKind.String
            && ConditionParser.TryFindTimeZone(tz.GetString()!, out var zone) ? zone : definition.TimeZone;

    private void Continue(Transition t, JourneyInstance instance, JourneyDefinition definition, string? target)
    {
        if (target is null)
        {
            End(t, instance, JourneyEventKind.Exited, "completed");
            return;
        }
        MoveTo(t, instance, target);
        Run(t, instance, definition);
    }

    private Outcome Execute(Transition t, JourneyInstance instance, JourneyDefinition definition, JourneyStep step)
    {
        switch (step)
        {
            case SendStep send:
                return Send(t, instance, definition, send);
            case DelayStep delay:
            {
                var due = delay switch
                {
                    { Duration: { } d } => instance.StepStartedAt + (long)d.TotalMilliseconds,
                    { UntilLocalTime: { } time } => LocalClock.Next(instance.StepStartedAt, time, Zone(t, definition)),
                    _ => delay.Until!.Value.ToUnixTimeMilliseconds(),
                };
                if (due <= t.Now)
                    return Outcome.To(delay.Next);
                t.SetWait(instance, WaitKind.Delay, due, $"delay until {DateTimeOffset.FromUnixTimeMilliseconds(due):O}");
                return Outcome.Wait;
            }
            case WaitUntilStep wait:
            {
                if (wait.Condition is not null && ConditionEvaluator.Evaluate(wait.Condition, new InstanceFacts(t.State, instance.Events, t.Now, Zone(t, definition))))
                    return Outcome.To(wait.Next);
                var due = instance.StepStartedAt + (long)wait.Timeout.TotalMilliseconds;
                t.SetWait(instance, WaitKind.WaitUntil, due, $"waiting for {(wait.Event is not null ? "an event" : "a condition")} until {DateTimeOffset.FromUnixTimeMilliseconds(due):O}");
                return Outcome.Wait;
            }
            case BranchStep branch:
            {
                var facts = new InstanceFacts(t.State, instance.Events, t.Now, Zone(t, definition));
                foreach (var path in branch.Paths)
                {
                    if (ConditionEvaluator.Evaluate(path.Condition, facts))
                    {
                        t.Emit(instance, JourneyEventKind.Branched, branch.Id, path.Name);
                        return Outcome.To(path.Next);
                    }
                }
                t.Emit(instance, JourneyEventKind.Branched, branch.Id, "otherwise");
                if (branch.Otherwise is null)
                {
                    End(t, instance, JourneyEventKind.Exited, $"no branch of {branch.Id} applied");
                    return Outcome.Ended;
                }
                return Outcome.To(branch.Otherwise);
            }
            case UpdateProfileStep update:
                UpdateProfile(t, instance, update);
                return Outcome.To(update.Next);
            case SplitStep split:
            {
                var variant = SplitAssignment.Of(split, t.Tenant, instance.JourneyId, t.PersonId);
                t.Emit(instance, JourneyEventKind.Split, split.Id, variant?.Name ?? "control");
                if (variant is null)
                {
                    End(t, instance, JourneyEventKind.Exited, "control group");
                    return Outcome.Ended;
                }
                return Outcome.To(variant.Next);
            }
            default:
                End(t, instance, JourneyEventKind.Exited, $"exit step {step.Id}");
                return Outcome.Ended;
        }
    }

    private Outcome Send(Transition t, JourneyInstance instance, JourneyDefinition definition, SendStep send)
    {
        if (instance.Requests.ContainsKey(send.Id))
            return Outcome.To(send.Next);
        var zone = Zone(t, definition);
        if (!send.MustDeliver)
        {
            var consent = settings.ConsentTraitPrefix + send.Channel;
            if (!(t.State.Traits.TryGetValue(consent, out var given) && given.ValueKind == JsonValueKind.True))
            {
                t.Emit(instance, JourneyEventKind.Suppressed, send.Id, $"no consent: trait {consent} is not true");
                return Outcome.To(send.Next);
            }
            var expiresAt = instance.StepStartedAt + (long)send.ExpiresAfter.TotalMilliseconds;
            var window = MessagePressure.Window(t.State.Sent, send.Channel, t.Now, zone, settings.CapsFor(t.Tenant), definition.QuietHours ?? settings.QuietHours);
            if (!window.IsNow(t.Now))
            {
                if (window.At > expiresAt)
                {
                    instance.Held = false;
                    t.Emit(instance, JourneyEventKind.Expired, send.Id, $"{window.HeldBy} past the step's expiry");
                    return Outcome.To(send.Next);
                }
                if (!instance.Held)
                    t.Emit(instance, window.ByCap ? JourneyEventKind.Capped : JourneyEventKind.Held, send.Id, window.HeldBy);
                instance.Held = true;
                t.SetWait(instance, WaitKind.Hold, window.At, $"held by {window.HeldBy} until {DateTimeOffset.FromUnixTimeMilliseconds(window.At):O}");
                return Outcome.Wait;
            }
            if (instance.Held)
                t.Emit(instance, JourneyEventKind.Released, send.Id);
        }
        var request = new DispatchRequest
        {
            RequestId = RequestId(t.Tenant, instance, send.Id),
            Tenant = t.Tenant,
            PersonId = t.PersonId,
            Channel = send.Channel,
            TemplateId = send.Template,
            Variables = Variables(t, instance, send, zone),
            JourneyId = instance.JourneyId,
            StepId = send.Id,
            RequestedAt = t.Now,
            ExpiresAt = send.MustDeliver ? null : instance.StepStartedAt + (long)send.ExpiresAfter.TotalMilliseconds,
        };
        instance.Held = false;
        t.Dispatches.Add(request);
        instance.Requests[send.Id] = request.RequestId;
        if (!send.MustDeliver)
        {
            MessagePressure.Forget(t.State.Sent, settings.CapsFor(t.Tenant), t.Now);
            t.State.Sent.Add(new SentMessage(send.Channel, t.Now));
        }
        t.Emit(instance, JourneyEventKind.MessageRequested, send.Id, send.Channel);
        t.Count(instance.JourneyId, "messages:" + send.Id);
        return Outcome.To(send.Next);
    }

    /// <summary>
    /// Sets traits as the gateway would: an identify call on events.raw with the person's identifiers,
    /// its message id derived from journey, version, instance and step (a replay sends the same call,
    /// which identity deduplicates). The traits reach this engine back through events.identified.
    /// </summary>
    private static void UpdateProfile(Transition t, JourneyInstance instance, UpdateProfileStep update)
    {
        if (t.State.UserId is null && t.State.AnonymousId is null)
        {
            t.Emit(instance, JourneyEventKind.Suppressed, update.Id, "no identifier of the person seen yet: the traits cannot travel as an identify call");
            return;
        }
        var traits = new JsonObject();
        foreach (var (name, value) in update.Traits)
            traits[name] = JsonNode.Parse(value.GetRawText());
        t.ProfileUpdates.Add(new TrackingEvent
        {
            MessageId = DeterministicId.From("journey-update", t.Tenant, instance.JourneyId, instance.Version.ToString(CultureInfo.InvariantCulture), instance.Id, update.Id),
            Type = "identify",
            Tenant = t.Tenant,
            Source = "journeys",
            UserId = t.State.UserId,
            AnonymousId = t.State.UserId is null ? t.State.AnonymousId : null,
            Timestamp = t.Now,
            ReceivedAt = t.Now,
            Traits = traits.ToJsonString(),
            Properties = JsonSerializer.Serialize(new { journeyId = instance.JourneyId, step = update.Id }),
        });
        t.Emit(instance, JourneyEventKind.ProfileUpdated, update.Id, string.Join(",", update.Traits.Keys));
    }

    /// <summary>The request id: journey, version, instance and step, so a replayed input never asks twice.</summary>
    public static string RequestId(string tenant, JourneyInstance instance, string stepId) =>
        DeterministicId.From("journey-send", tenant, instance.JourneyId, instance.Version.ToString(CultureInfo.InvariantCulture), instance.Id, stepId);

    private static string Variables(Transition t, JourneyInstance instance, SendStep send, TimeZoneInfo zone)
    {
        var result = new JsonObject();
        var trigger = instance.Events.Count > 0 ? new EventView(instance.Events[0]) : null;
        foreach (var (name, source) in send.Variables)
        {
            if (source.StartsWith("trait.", StringComparison.Ordinal))
                result[name] = t.State.Traits.TryGetValue(source[6..], out var trait) ? JsonNode.Parse(trait.GetRawText()) : null;
            else if (source.StartsWith("event.", StringComparison.Ordinal) && trigger is not null)
                result[name] = trigger.Value(Conditions.Model.FieldPath.Property(source[6..].Split('.')), zone) is { } value ? ScalarNode(value) : null;
            else
                result[name] = source;
        }
        return result.ToJsonString();
    }

    private static JsonValue? ScalarNode(Conditions.Model.Scalar value) => value.Kind switch
    {
        Conditions.Model.ScalarKind.Number => JsonValue.Create(value.Number),
        Conditions.Model.ScalarKind.Boolean => JsonValue.Create(value.Boolean),
        _ => JsonValue.Create(value.Text),
    };

    private sealed record Outcome(string? Target)
    {
        public static readonly Outcome Wait = new((string?)null);
        public static readonly Outcome Ended = new((string?)null);

        public static Outcome To(string? target) => new(target);
    }
}
