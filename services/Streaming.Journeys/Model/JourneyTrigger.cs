using Streaming.Conditions.Model;

namespace Streaming.Journeys.Model;

/// <summary>What makes a person enter a journey.</summary>
public abstract record JourneyTrigger;

/// <summary>An event of the person matching the filter.</summary>
public sealed record EventTrigger(EventFilter Event) : JourneyTrigger;

/// <summary>The person entered (or left) a tag.</summary>
public sealed record TagTrigger(string Tag, bool OnEnter) : JourneyTrigger;

/// <summary>A trait (or score) crossing into the comparison: false before the change, true after.</summary>
public sealed record TraitTrigger(string Trait, ComparisonOperator Operator, IReadOnlyList<Scalar> Values) : JourneyTrigger;

/// <summary><c>POST /api/journeys/{id}/trigger</c>, carried to the person's partition as a tracked event.</summary>
public sealed record ApiTrigger : JourneyTrigger;
