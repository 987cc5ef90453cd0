using Streaming.Conditions.Evaluation;
using Streaming.Contracts.Records;
using Streaming.Profiles.Model;
using Streaming.Profiles.Tags;

namespace Streaming.Profiles.Pipeline;

/// <summary>
/// What one event does to a live profile, top to bottom:
/// apply the event (series, traits, seen times) → evaluate the tenant's tags → emit the changes.
/// Fencing and storage are the handler's part (<see cref="EventsHandler"/>).
/// </summary>
public static class ProfilePipeline
{
    public static List<ProfileChange> Run(ProfileState state, long personId, IdentifiedEvent identified, string position, TenantTags tags, long now) =>
        Run(state, personId, identified, position, tags, now, out _);

    /// <summary>Also hands out the tag evaluation: its metric values serve the timer schedule of the same profile.</summary>
    public static List<ProfileChange> Run(ProfileState state, long personId, IdentifiedEvent identified, string position, TenantTags tags, long now, out TagEvaluation evaluation)
    {
        var e = identified.Event;
        var traits = ApplyEventStep.Apply(state, new EventView(e), tags, now, identified.Identifiers);
        evaluation = new TagEvaluation(state, tags, now);
        var tagChanges = EvaluateTagsStep.Evaluate(evaluation, tags);
        return EmitChangesStep.Changes(e.Tenant, personId, position, e.MessageId, now, traits, tagChanges);
    }
}
