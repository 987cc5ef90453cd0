using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.ServiceDefaults.Kafka;

namespace Streaming.Profiles.Pipeline;

/// <summary>
/// Turns trait and tag changes into <see cref="ProfileChange"/> records whose ids derive from the
/// cause (input position or definition version), the person and what changed: a replay yields the same ids.
/// </summary>
public static class EmitChangesStep
{
    public static List<ProfileChange> Changes(string tenant, long personId, string cause, string? causeMessageId, long at,
        IReadOnlyList<TraitChange> traits, IReadOnlyList<TagChange> tags)
    {
        var changes = new List<ProfileChange>(traits.Count + tags.Count);
        foreach (var trait in traits)
        {
            changes.Add(new ProfileChange
            {
                ChangeId = Id(cause, personId, ProfileChangeKind.TraitChanged, trait.Trait),
                Tenant = tenant,
                PersonId = personId,
                Kind = ProfileChangeKind.TraitChanged,
                Trait = trait.Trait,
                OldValue = trait.OldJson,
                NewValue = trait.NewJson,
                At = at,
                CauseMessageId = causeMessageId,
            });
        }
        foreach (var tag in tags)
        {
            var kind = tag.Entered ? ProfileChangeKind.TagEntered : ProfileChangeKind.TagLeft;
            changes.Add(new ProfileChange
            {
                ChangeId = Id(cause, personId, kind, tag.TagId),
                Tenant = tenant,
                PersonId = personId,
                Kind = kind,
                TagId = tag.TagId,
                At = at,
                CauseMessageId = causeMessageId,
            });
        }
        return changes;
    }

    /// <summary>A change as the profiles.changes message that announces it, keyed by tenant + person (one person's changes stay in order).</summary>
    public static OutboundMessage ToMessage(ProfileChange change) =>
        OutboundMessage.Create(TopicCatalog.ProfilesChanges, PartitionKey.For(change.Tenant, change.PersonId), change);

    private static string Id(string cause, long personId, string kind, string what) =>
        DeterministicId.From("profiles", cause, personId.ToString(System.Globalization.CultureInfo.InvariantCulture), kind, what);
}
