using Streaming.Profiles.Model;
using Streaming.Profiles.Tags;

namespace Streaming.Profiles.Pipeline;

public sealed record TagChange(string TagId, bool Entered);

/// <summary>Evaluates every tag of the tenant on the profile and records which were entered or left.</summary>
public static class EvaluateTagsStep
{
    public static IReadOnlyList<TagChange> Evaluate(ProfileState state, TenantTags tags, long now) =>
        Evaluate(new TagEvaluation(state, tags, now), tags);

    /// <summary>Evaluates with the metric values of <paramref name="evaluation"/> (kept for the timer schedule).</summary>
    public static IReadOnlyList<TagChange> Evaluate(TagEvaluation evaluation, TenantTags tags)
    {
        var state = evaluation.State;
        List<TagChange>? changes = null;
        var held = 0;
        for (var i = 0; i < tags.Tags.Count; i++)
        {
            var id = tags.Tags[i].Id;
            var holds = tags.Checks[i](evaluation);
            if (holds)
                held++;
            if (holds && state.Tags.TryAdd(id, evaluation.Now))
                (changes ??= []).Add(new TagChange(id, Entered: true));
            else if (!holds && state.Tags.Remove(id))
                (changes ??= []).Add(new TagChange(id, Entered: false));
        }
        // A deleted definition: the person leaves its tag (held tags beyond the defined ones that hold).
        if (state.Tags.Count > held)
        {
            foreach (var id in state.Tags.Keys)
            {
                if (!tags.Ids.Contains(id))
                {
                    state.Tags.Remove(id);
                    (changes ??= []).Add(new TagChange(id, Entered: false));
                }
            }
        }
        return changes ?? (IReadOnlyList<TagChange>)[];
    }
}
