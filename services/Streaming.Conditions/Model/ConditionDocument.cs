namespace Streaming.Conditions.Model;

/// <summary>
/// A condition with the settings it is evaluated under: the time zone that fixes day boundaries
/// (windows, <c>$day</c>) and local hours (<c>$hour</c>, shareOfHours). UTC unless stated.
/// </summary>
public sealed record ConditionDocument(Condition Condition, TimeZoneInfo TimeZone);

/// <summary>A tag definition: a named condition; a person has the tag while the condition is true.</summary>
public sealed record TagDefinition(
    string Name,
    string? Description,
    string? Category,
    ConditionDocument Document)
{
    public Condition Condition => Document.Condition;
    public TimeZoneInfo TimeZone => Document.TimeZone;
}
