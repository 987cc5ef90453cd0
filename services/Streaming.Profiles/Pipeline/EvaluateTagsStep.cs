using Streaming.Conditions.Evaluation;
using Streaming.Profiles.Metrics;
using Streaming.Profiles.Model;
using Streaming.Profiles.Tags;

namespace Streaming.Profiles.Pipeline;

public sealed record TagChange(string TagId, bool Entered);

/// <summary>Evaluates every tag of the tenant on the profile and records which were entered or left.</summary>
public static class EvaluateTagsStep
{
    public static IReadOnlyList<TagChange> Evaluate(ProfileState state, TenantTags tags, long now)
    {
        var changes = new List<TagChange>();
        var metrics = new Dictionary<string, Conditions.Model.Scalar?>(StringComparer.Ordinal);
        foreach (var tag in tags.Tags)
        {
            var holds = ConditionEvaluator.Evaluate(tag.Definition.Condition, new ProfileFacts(state, tag, now, metrics));
            var had = state.Tags.ContainsKey(tag.Id);
            if (holds && !had)
            {
                state.Tags[tag.Id] = now;
                changes.Add(new TagChange(tag.Id, Entered: true));
            }
            else if (!holds && had)
            {
                state.Tags.Remove(tag.Id);
                changes.Add(new TagChange(tag.Id, Entered: false));
            }
        }
        // A deleted definition: the person leaves its tag.
        foreach (var id in state.Tags.Keys.Where(id => tags.Tags.All(t => t.Id != id)).ToList())
        {
            state.Tags.Remove(id);
            changes.Add(new TagChange(id, Entered: false));
        }
        return changes;
    }
}
