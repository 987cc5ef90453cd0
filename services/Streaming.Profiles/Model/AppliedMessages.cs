namespace Streaming.Profiles.Model;

/// <summary>
/// Dedup by event id, kept in the profile so it is written in the same compare-and-set as the
/// change it guards. The window is the last <see cref="Window"/> events of the person: a copy of an
/// event comes back when identity re-emits a redelivered message, i.e. within the uncommitted tail
/// of its input, far fewer events of one person than that (see docs/profiles.md for the bound).
/// </summary>
public static class AppliedMessages
{
    /// <summary>Events remembered per profile (8 bytes each in the stored profile).</summary>
    public const int Window = 64;

    /// <summary>FNV-1a over the id's UTF-16 code units: stable across processes and versions (unlike string.GetHashCode).</summary>
    public static ulong Hash(string messageId)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in messageId)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return hash;
    }

    public static bool Contains(ProfileState state, ulong id) => state.RecentMessages.Contains(id);

    public static void Remember(ProfileState state, ulong id)
    {
        if (state.RecentMessages.Count >= Window)
            state.RecentMessages.RemoveRange(0, state.RecentMessages.Count - Window + 1);
        state.RecentMessages.Add(id);
    }

    /// <summary>After a merge: the survivor keeps the most recent ids of both, within the window.</summary>
    public static void Merge(ProfileState survivor, ProfileState absorbed)
    {
        foreach (var id in absorbed.RecentMessages)
        {
            if (!survivor.RecentMessages.Contains(id))
                Remember(survivor, id);
        }
    }
}
