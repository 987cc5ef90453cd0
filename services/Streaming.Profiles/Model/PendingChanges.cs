using Streaming.Contracts.Records;

namespace Streaming.Profiles.Model;

/// <summary>
/// The changes a profile's last write caused, by input position (<see cref="ProfileState.Pending"/>):
/// kept in the profile, written in the same compare-and-set as the change, and re-sent when that
/// input is redelivered.
/// </summary>
public static class PendingChanges
{
    /// <summary>The changes the input at <paramref name="position"/> caused, or none when they were superseded since.</summary>
    public static List<ProfileChange> Of(ProfileState state, string position) => state.Pending.GetValueOrDefault(position) ?? [];

    /// <summary>
    /// The pending changes of one input partition are replaced by those of its latest write (the
    /// runtime hands over a partition's next batch only after the previous one's outputs were
    /// acknowledged); other partitions' entries stay until their own next write. Entries of earlier
    /// incarnations of the partition go too: they can never be redelivered.
    /// </summary>
    public static void Replace(ProfileState state, string topic, int partition, Dictionary<string, List<ProfileChange>> entries)
    {
        var prefix = $"{topic}/{partition}/";
        var incarnations = $"{topic}/{partition}@";
        foreach (var key in state.Pending.Keys)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal) || key.StartsWith(incarnations, StringComparison.Ordinal))
                state.Pending.Remove(key);
        }
        foreach (var (key, changes) in entries)
            state.Pending[key] = changes;
    }
}
