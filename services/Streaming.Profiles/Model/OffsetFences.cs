namespace Streaming.Profiles.Model;

/// <summary>
/// Offset fences of a profile, keyed by "topic/partition@incarnation". Offsets of an earlier
/// incarnation of a topic (deleted and created again, or an embedded broker that lost its log) say
/// nothing about the current one, so they are dropped as soon as the current one writes.
/// </summary>
public static class OffsetFences
{
    /// <summary>Forgets the fences of other incarnations of <paramref name="topic"/>/<paramref name="partition"/> (and the one from before incarnations).</summary>
    public static void RetireOthers(ProfileState state, string topic, int partition, string current)
    {
        if (state.Fences.Count == 0)
            return;
        var plain = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{topic}/{partition}");
        List<string>? stale = null;
        foreach (var key in state.Fences.Keys)
        {
            if (key != current && (key == plain || key.StartsWith(plain + "@", StringComparison.Ordinal)))
                (stale ??= []).Add(key);
        }
        if (stale is null)
            return;
        foreach (var key in stale)
            state.Fences.Remove(key);
    }
}
