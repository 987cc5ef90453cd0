using System.Text.Json;
using Streaming.Conditions.Evaluation;
using Streaming.Conditions.Model;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Journeys.Definitions;
using Streaming.Journeys.Model;

namespace Streaming.Journeys.Engine;

/// <summary>
/// What each input does to one person's journeys: events (triggers, goals, exits, waits), profile
/// changes (traits, tags, trait crossings), receipts (engagement for branches), due timers, merges.
/// Pure over a <see cref="Transition"/>; <see cref="PersonUpdater"/> loads, fences and stores.
/// </summary>
public sealed class JourneyEngine(JourneyCatalog catalog, StepRunner runner, JourneySettings settings)
{
    /// <summary>The tracked event <c>POST /api/journeys/{id}/trigger</c> sends; property <c>journeyId</c> names the journey.</summary>
    public const string TriggerEventName = "Journey Triggered";

    public void OnEvent(Transition t, TrackingEvent e)
    {
        if (e.Type == "identify")
            ApplyTraits(t, e.Traits);
        RememberIdentifiers(t, e);
        var view = new EventView(e);
        CancelCandidates(t, view, e);
        foreach (var instance in t.State.Instances.ToList())
        {
            if (Definition(t.Tenant, instance) is not { } definition)
                continue;
            var zone = runner.Zone(t, definition);
            Remember(t, instance, e);
            if (definition.Goal is { } goal && view.Matches(goal.Event, zone)
                && (goal.Within is null || e.Timestamp <= instance.EnteredAt + (long)goal.Within.Value.TotalMilliseconds))
            {
                runner.End(t, instance, JourneyEventKind.Converted, view.Name);
                continue;
            }
            if (definition.Exit is { } exit && view.Matches(exit, zone))
            {
                runner.End(t, instance, JourneyEventKind.Exited, $"exit event {view.Name}");
                continue;
            }
            runner.Recheck(t, instance, definition, e);
        }
        foreach (var journey in catalog.Of(t.Tenant))
        {
            if (journey.Entering is not { } definition)
                continue;
            if (definition.Trigger is AbsenceTrigger absence)
            {
                if (view.Matches(absence.Did, definition.TimeZone))
                    AddCandidate(t, journey, absence, e);
                continue;
            }
            var triggered = definition.Trigger switch
            {
                EventTrigger trigger => view.Matches(trigger.Event, definition.TimeZone),
                ApiTrigger => view.Name == TriggerEventName && view.Value(FieldPath.Property("journeyId"), TimeZoneInfo.Utc) is { Kind: ScalarKind.String } id && id.Text == journey.Id,
                _ => false,
            };
            if (triggered)
                TryEnter(t, journey, definition, e.MessageId, e);
        }
    }

    public void OnProfileChange(Transition t, ProfileChange change)
    {
        var crossed = new List<JourneyEntry>();
        switch (change.Kind)
        {
            case ProfileChangeKind.TraitChanged or ProfileChangeKind.ScoreChanged when change.Trait is not null:
                var before = Parse(change.OldValue);
                var after = Parse(change.NewValue);
                if (after is null)
                    t.State.Traits.Remove(change.Trait);
                else
                    t.State.Traits[change.Trait] = after.Value;
                t.Changed = true;
                foreach (var journey in catalog.Of(t.Tenant))
                {
                    if (journey.Entering?.Trigger is TraitTrigger trigger && trigger.Trait == change.Trait
                        && !Holds(trigger, before) && Holds(trigger, after))
                    {
                        crossed.Add(journey);
                    }
                }
                break;
            case ProfileChangeKind.TagEntered or ProfileChangeKind.TagLeft when change.TagId is not null:
                var entered = change.Kind == ProfileChangeKind.TagEntered;
                if (entered)
                    t.State.Tags.Add(change.TagId);
                else
                    t.State.Tags.Remove(change.TagId);
                t.Changed = true;
                foreach (var journey in catalog.Of(t.Tenant))
                {
                    if (journey.Entering?.Trigger is TagTrigger trigger && trigger.Tag == change.TagId && trigger.OnEnter == entered)
                        crossed.Add(journey);
                }
                break;
        }
        RecheckAll(t, null);
        foreach (var journey in crossed)
            TryEnter(t, journey, journey.Entering!, change.ChangeId, null);
    }

    public void OnReceipt(Transition t, MessageReceipt receipt)
    {
        var instance = t.State.Instances.FirstOrDefault(i => i.Requests.ContainsValue(receipt.RequestId));
        if (instance is null || Definition(t.Tenant, instance) is not { } definition)
            return;
        var step = instance.Requests.First(r => r.Value == receipt.RequestId).Key;
        var engagement = new TrackingEvent
        {
            MessageId = receipt.ReceiptId,
            Type = "track",
            Event = "Message " + char.ToUpperInvariant(receipt.Status[0]) + receipt.Status[1..],
            Tenant = t.Tenant,
            Source = "journeys",
            Timestamp = receipt.At,
            Properties = JsonSerializer.Serialize(new { step, channel = receipt.Channel, requestId = receipt.RequestId }),
        };
        Remember(t, instance, engagement);
        runner.Recheck(t, instance, definition, engagement);
    }

    public void OnTimer(Transition t, string instanceId, long due)
    {
        if (t.State.Candidates.FirstOrDefault(c => c.Id == instanceId && c.Due == due) is { } candidate)
        {
            // "Did A, then not B within T": no B came, so the person enters now (A is the trigger event).
            t.State.Candidates.Remove(candidate);
            t.Changed = true;
            if (catalog.Find(t.Tenant, candidate.JourneyId) is { Entering: { Trigger: AbsenceTrigger } entering } journey)
                TryEnter(t, journey, entering, candidate.Trigger.MessageId, candidate.Trigger);
            return;
        }
        var instance = t.State.Instances.FirstOrDefault(i => i.Id == instanceId);
        // A timer of a wait that is over (moved on, or set by a write that lost its compare-and-set) changes nothing.
        if (instance is null || instance.Waiting is null || instance.WakeAt != due || Definition(t.Tenant, instance) is not { } definition)
            return;
        runner.Wake(t, instance, definition);
    }

    /// <summary>A run of a scheduled audience selected this person: enter (once per run: the run is the input's fence).</summary>
    public void OnSchedule(Transition t, string journeyId, long runAt)
    {
        if (catalog.Find(t.Tenant, journeyId) is { Entering: { Trigger: ScheduleTrigger } definition } journey)
            TryEnter(t, journey, definition, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"schedule/{runAt}"), null);
    }

    /// <summary>
    /// Folds the absorbed person's journeys onto the survivor: instances move (same ids, so their
    /// request ids and sends stay the same) unless the survivor already runs the same journey and
    /// correlation, entry history and sent messages add up, the survivor's traits win.
    /// </summary>
    public void OnMerge(Transition survivor, PersonState absorbed, long absorbedPersonId)
    {
        foreach (var (name, value) in absorbed.Traits)
            survivor.State.Traits.TryAdd(name, value);
        survivor.State.Tags.UnionWith(absorbed.Tags);
        survivor.State.Sent.AddRange(absorbed.Sent);
        survivor.State.Sent.Sort((a, b) => a.At.CompareTo(b.At));
        foreach (var (journeyId, history) in absorbed.Entries)
        {
            var mine = survivor.State.Entries.TryGetValue(journeyId, out var h) ? h : survivor.State.Entries[journeyId] = new EntryHistory();
            mine.Count += history.Count;
            mine.LastEnteredAt = Math.Max(mine.LastEnteredAt, history.LastEnteredAt);
            mine.Ended.AddRange(history.Ended);
        }
        foreach (var candidate in absorbed.Candidates)
        {
            survivor.TimerCancels.Add(new(PartitionKey.For(survivor.Tenant, absorbedPersonId), TimerIds.For(survivor.Tenant, absorbedPersonId, candidate.Id, candidate.Due), null));
            if (survivor.State.Candidates.Any(c => c.JourneyId == candidate.JourneyId))
                continue;
            survivor.State.Candidates.Add(candidate);
            survivor.TimerSets.Add(new(survivor.PartitionKey, TimerIds.For(survivor.Tenant, survivor.PersonId, candidate.Id, candidate.Due), candidate.Due));
        }
        survivor.State.UserId ??= absorbed.UserId;
        survivor.State.AnonymousId ??= absorbed.AnonymousId;
        foreach (var instance in absorbed.Instances)
        {
            if (instance.Waiting is not null)
                survivor.TimerCancels.Add(new(PartitionKey.For(survivor.Tenant, absorbedPersonId), TimerIds.For(survivor.Tenant, absorbedPersonId, instance.Id, instance.WakeAt), null));
            if (survivor.State.Instances.Any(i => i.JourneyId == instance.JourneyId && i.Correlation == instance.Correlation))
            {
                survivor.Emit(instance, JourneyEventKind.Exited, instance.StepId, $"merged into person {survivor.PersonId}, who is already in this journey");
                survivor.Count(instance.JourneyId, "now:" + instance.StepId, -1);
                survivor.Count(instance.JourneyId, "exited");
                continue;
            }
            survivor.State.Instances.Add(instance);
            if (instance.Waiting is not null)
                survivor.TimerSets.Add(new(survivor.PartitionKey, TimerIds.For(survivor.Tenant, survivor.PersonId, instance.Id, instance.WakeAt), instance.WakeAt));
        }
        survivor.Changed = true;
    }

    private void TryEnter(Transition t, JourneyEntry journey, JourneyDefinition definition, string cause, TrackingEvent? trigger)
    {
        var instanceId = DeterministicId.From("journey-instance", t.Tenant, journey.Id, cause);
        var history = t.State.Entries.GetValueOrDefault(journey.Id);
        if (t.State.Instances.Any(i => i.Id == instanceId) || history?.Ended.Contains(instanceId) == true)
            return;
        var running = t.State.Instances.Where(i => i.JourneyId == journey.Id).ToList();
        string? correlation = null;
        switch (definition.Reentry.Mode)
        {
            case ReentryMode.Once when history is { Count: > 0 } || running.Count > 0:
                return;
            case ReentryMode.Cooldown when running.Count > 0 || (history is not null && t.Now - history.LastEnteredAt < (long)definition.Reentry.Cooldown.TotalMilliseconds):
                return;
            case ReentryMode.Concurrent:
                correlation = trigger is null ? null : new EventView(trigger).Value(FieldPath.Property(definition.Reentry.CorrelationKey!.Split('.')), TimeZoneInfo.Utc) switch
                {
                    { Kind: ScalarKind.String } s => s.Text,
                    { Kind: ScalarKind.Number } n => n.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => null,
                };
                if (correlation is null || running.Any(i => i.Correlation == correlation) || running.Count >= definition.MaxConcurrent)
                    return;
                break;
        }
        IReadOnlyList<TrackingEvent> events = trigger is null ? [] : [Slim(trigger)];
        if (definition.Entry is { } entry && !ConditionEvaluator.Evaluate(entry, new InstanceFacts(t.State, events, t.Now, runner.Zone(t, definition))))
            return;
        var instance = JourneyInstance.Start(instanceId, journey.Id, journey.Live!.Value, definition, t.Now, correlation, events);
        t.State.Instances.Add(instance);
        var entries = history ?? (t.State.Entries[journey.Id] = new EntryHistory());
        entries.Count++;
        entries.LastEnteredAt = t.Now;
        t.Emit(instance, JourneyEventKind.Entered, null, trigger is null ? cause : new EventView(trigger).Name);
        t.Count(journey.Id, "entered");
        t.Count(journey.Id, "now:" + instance.StepId);
        t.Count(journey.Id, "total:" + instance.StepId);
        t.Emit(instance, JourneyEventKind.StepStarted, instance.StepId);
        runner.Run(t, instance, definition);
    }

    /// <summary>A "did A" starts one candidate per journey (a later A while one waits changes nothing), on a durable timer.</summary>
    private static void AddCandidate(Transition t, JourneyEntry journey, AbsenceTrigger trigger, TrackingEvent e)
    {
        if (t.State.Candidates.Any(c => c.JourneyId == journey.Id))
            return;
        var due = Math.Max(t.Now, e.Timestamp + (long)trigger.Within.TotalMilliseconds);
        var candidate = new EntryCandidate { Id = DeterministicId.From("journey-candidate", t.Tenant, journey.Id, e.MessageId), JourneyId = journey.Id, Due = due, Trigger = Slim(e) };
        t.State.Candidates.Add(candidate);
        t.TimerSets.Add(new(t.PartitionKey, TimerIds.For(t.Tenant, t.PersonId, candidate.Id, due), due));
        t.Changed = true;
    }

    /// <summary>A "B" that comes after the candidate's "A" (by event time) cancels the entry.</summary>
    private void CancelCandidates(Transition t, EventView view, TrackingEvent e)
    {
        foreach (var candidate in t.State.Candidates.ToList())
        {
            if (catalog.Find(t.Tenant, candidate.JourneyId)?.Versions.Values.LastOrDefault(v => v.Trigger is AbsenceTrigger) is not { Trigger: AbsenceTrigger trigger } definition)
                continue;
            if (e.Timestamp >= candidate.Trigger.Timestamp && e.MessageId != candidate.Trigger.MessageId && view.Matches(trigger.ThenNot, runner.Zone(t, definition)))
            {
                t.State.Candidates.Remove(candidate);
                t.TimerCancels.Add(new(t.PartitionKey, TimerIds.For(t.Tenant, t.PersonId, candidate.Id, candidate.Due), null));
                t.Changed = true;
            }
        }
    }

    private static void RememberIdentifiers(Transition t, TrackingEvent e)
    {
        if (e.UserId is not null && e.UserId != t.State.UserId)
        {
            t.State.UserId = e.UserId;
            t.Changed = true;
        }
        if (e.AnonymousId is not null && e.AnonymousId != t.State.AnonymousId)
        {
            t.State.AnonymousId = e.AnonymousId;
            t.Changed = true;
        }
    }

    private JourneyDefinition? Definition(string tenant, JourneyInstance instance) =>
        catalog.Find(tenant, instance.JourneyId)?.Versions.GetValueOrDefault(instance.Version);

    private void RecheckAll(Transition t, TrackingEvent? latest)
    {
        foreach (var instance in t.State.Instances.ToList())
        {
            if (Definition(t.Tenant, instance) is { } definition)
                runner.Recheck(t, instance, definition, latest);
        }
    }

    private void Remember(Transition t, JourneyInstance instance, TrackingEvent e)
    {
        instance.Events.Add(Slim(e));
        // The trigger (first) stays: variables and conditions read it for the whole instance.
        if (instance.Events.Count > settings.MaxInstanceEvents)
            instance.Events.RemoveAt(1);
        t.Changed = true;
    }

    /// <summary>What an instance keeps of an event: no traits or integrations (they are the profile's).</summary>
    private static TrackingEvent Slim(TrackingEvent e) => e with { Traits = "{}", Integrations = "{}" };

    private static void ApplyTraits(Transition t, string traits)
    {
        try
        {
            using var document = JsonDocument.Parse(traits);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Null)
                    t.State.Traits.Remove(property.Name);
                else
                    t.State.Traits[property.Name] = property.Value.Clone();
                t.Changed = true;
            }
        }
        catch (JsonException)
        {
            // Unreadable traits read as none, as the condition language reads unreadable JSON.
        }
    }

    private static JsonElement? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
            return null;
        try
        {
            var element = JsonElement.Parse(json);
            return element.ValueKind == JsonValueKind.Null ? null : element;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool Holds(TraitTrigger trigger, JsonElement? value) =>
        Comparisons.Holds(value is { } v ? Scalar.FromJson(v) : null, trigger.Operator, trigger.Values);
}
