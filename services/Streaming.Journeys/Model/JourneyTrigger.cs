using Cronos;
using Streaming.Conditions.Model;

namespace Streaming.Journeys.Model;

/// <summary>What makes a person enter a journey.</summary>
public abstract record JourneyTrigger;

/// <summary>An event of the person matching the filter.</summary>
public sealed record EventTrigger(EventFilter Event) : JourneyTrigger;

/// <summary>
/// "Did A, then not B within T": an event matching <see cref="Did"/> starts a candidate entry on a
/// durable timer; an event matching <see cref="ThenNot"/> before the timer fires cancels it; the
/// timer firing enters the person (with A as the trigger event).
/// </summary>
public sealed record AbsenceTrigger(EventFilter Did, EventFilter ThenNot, TimeSpan Within) : JourneyTrigger;

/// <summary>The person entered (or left) a tag.</summary>
public sealed record TagTrigger(string Tag, bool OnEnter) : JourneyTrigger;

/// <summary>A trait (or score) crossing into the comparison: false before the change, true after.</summary>
public sealed record TraitTrigger(string Trait, ComparisonOperator Operator, IReadOnlyList<Scalar> Values) : JourneyTrigger;

/// <summary><c>POST /api/journeys/{id}/trigger</c>, carried to the person's partition as a tracked event.</summary>
public sealed record ApiTrigger : JourneyTrigger;

/// <summary>
/// A scheduled audience: at every occurrence of <see cref="Cron"/> (in the journey's time zone) the
/// persons for whom <see cref="Audience"/> holds on ClickHouse history enter, once per run.
/// </summary>
public sealed record ScheduleTrigger(string CronText, CronExpression Cron, Condition Audience) : JourneyTrigger;
