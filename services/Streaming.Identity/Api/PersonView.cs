using Streaming.Identity.Graph;
using Streaming.Identity.Pipeline;

namespace Streaming.Identity.Api;

/// <summary>A person as the identity API answers it: identifiers, absorbed persons and the merge history (with refusals and their reasons).</summary>
public sealed record PersonView(
    long PersonId,
    long? RequestedPersonId,
    long CreatedAt,
    string? CreatedByMessageId,
    IReadOnlyList<PersonIdentifier> Identifiers,
    IReadOnlyList<AbsorbedPerson> AbsorbedPersons,
    IReadOnlyList<MergeView> Merges)
{
    public static PersonView From(string tenant, PersonRecord person) => new(
        person.PersonId,
        person.RequestedPersonId == person.PersonId ? null : person.RequestedPersonId,
        person.CreatedAt,
        person.CreatedByMessageId,
        person.Identifiers,
        person.Absorbed,
        [.. person.Merges.Select(m => MergeView.From(tenant, m))]);
}

/// <summary>One merge or refused merge and the event that caused it (explain why).</summary>
public sealed record MergeView(
    string MergeId,
    string Outcome,
    long SurvivorPersonId,
    long AbsorbedPersonId,
    string IdentifierType,
    string IdentifierValue,
    string Reason,
    string CauseMessageId,
    string CauseEventType,
    string Source,
    long At)
{
    public static MergeView From(string tenant, MergeRecord m) => new(
        EmitOutputsStep.MergeIdOf(tenant, m.MessageId, m.Index),
        m.Outcome,
        long.Parse(m.Survivor, System.Globalization.CultureInfo.InvariantCulture),
        long.Parse(m.Absorbed, System.Globalization.CultureInfo.InvariantCulture),
        m.IdentifierType,
        m.IdentifierValue,
        m.Reason,
        m.MessageId,
        m.EventType,
        m.Source,
        long.Parse(m.At, System.Globalization.CultureInfo.InvariantCulture));
}
