using Streaming.Conditions.Model;

namespace Streaming.Journeys.Model;

/// <summary>
/// One version of a journey as validated by <see cref="Definitions.JourneyParser"/>: what starts it,
/// who may enter and how often, the steps, and what ends it early (goal, exit).
/// </summary>
public sealed record JourneyDefinition(
    string Name,
    TimeZoneInfo TimeZone,
    JourneyTrigger Trigger,
    Condition? Entry,
    ReentryPolicy Reentry,
    int MaxConcurrent,
    JourneyGoal? Goal,
    EventFilter? Exit,
    QuietHours? QuietHours,
    IReadOnlyList<JourneyStep> Steps)
{
    public JourneyStep? Step(string id)
    {
        foreach (var step in Steps)
        {
            if (step.Id == id)
                return step;
        }
        return null;
    }

    /// <summary>The step after <paramref name="step"/> when it names none: the next in the list, or null at the end.</summary>
    public string? Following(JourneyStep step, string? named)
    {
        if (named is not null)
            return named;
        for (var i = 0; i < Steps.Count - 1; i++)
        {
            if (Steps[i].Id == step.Id)
                return Steps[i + 1].Id;
        }
        return null;
    }
}

/// <summary>A conversion: an event matching <see cref="Event"/> (within <see cref="Within"/> of entering) ends the instance as converted.</summary>
public sealed record JourneyGoal(EventFilter Event, TimeSpan? Within);

/// <summary>Local hours when marketing sends are held: From..To, wrapping past midnight when From &gt; To.</summary>
public sealed record QuietHours(TimeOnly From, TimeOnly To)
{
    public static readonly QuietHours Default = new(new TimeOnly(21, 0), new TimeOnly(8, 0));

    public bool Contains(TimeOnly time) => From <= To ? time >= From && time < To : time >= From || time < To;
}
