using Streaming.Conditions.Model;

namespace Streaming.Journeys.Model;

/// <summary>One step of a journey; <see cref="Next"/> names the following step (null: the next in the list).</summary>
public abstract record JourneyStep(string Id, string? Next);

/// <summary>
/// Requests a message (a <c>DispatchRequest</c> on <c>dispatch.&lt;channel&gt;</c>). Variables map a
/// template variable to <c>trait.&lt;name&gt;</c> or <c>event.&lt;path&gt;</c> (the trigger event) or a literal.
/// A held send waits at most <see cref="ExpiresAfter"/>, then it is recorded as expired.
/// </summary>
public sealed record SendStep(
    string Id,
    string? Next,
    string Channel,
    string Template,
    IReadOnlyDictionary<string, string> Variables,
    bool MustDeliver,
    TimeSpan ExpiresAfter) : JourneyStep(Id, Next);

/// <summary>Waits a duration, until a local time of day (the person's zone, else the journey's), or until a date.</summary>
public sealed record DelayStep(string Id, string? Next, TimeSpan? Duration, TimeOnly? UntilLocalTime, DateTimeOffset? Until) : JourneyStep(Id, Next);

/// <summary>Waits for an event or a condition; after <see cref="Timeout"/> goes to <see cref="OnTimeout"/> instead.</summary>
public sealed record WaitUntilStep(string Id, string? Next, EventFilter? Event, Condition? Condition, TimeSpan Timeout, string? OnTimeout) : JourneyStep(Id, Next);

/// <summary>The first branch whose condition holds is taken; none: <see cref="Otherwise"/>.</summary>
public sealed record BranchStep(string Id, IReadOnlyList<BranchPath> Paths, string? Otherwise) : JourneyStep(Id, null);

public sealed record BranchPath(string Name, Condition Condition, string Next);

/// <summary>A/B/n split by a stable hash of (journey, step, person) plus a control group that gets nothing and exits.</summary>
public sealed record SplitStep(string Id, IReadOnlyList<SplitVariant> Variants, int ControlPercent) : JourneyStep(Id, null);

public sealed record SplitVariant(string Name, int Percent, string Next);

/// <summary>Ends the instance.</summary>
public sealed record ExitStep(string Id) : JourneyStep(Id, null);

/// <summary>
/// Sets traits of the person through the normal event path: an identify call on events.raw (as the
/// gateway writes it), so identity, profiles, analytics and journeys all see the change.
/// </summary>
public sealed record UpdateProfileStep(string Id, string? Next, IReadOnlyDictionary<string, System.Text.Json.JsonElement> Traits) : JourneyStep(Id, Next);
