namespace Streaming.Profiles.Storage;

/// <summary>
/// A profile a batch lands on, still encoded, with the people whose messages land on it (its own
/// and those of people merged into it) and those messages' indexes in the batch, in offset order.
/// </summary>
public sealed record ProfileGroup(EncodedProfile Profile, List<long> People, List<int> Indexes)
{
    /// <summary>
    /// The profiles of <paramref name="personIds"/> in one round trip (merge redirects followed),
    /// grouped by the profile they land on. With <paramref name="cached"/>, what this instance wrote
    /// last comes from its cache (fine for a compare-and-set write: a stale one fails and is redone).
    /// </summary>
    public static async Task<IReadOnlyCollection<ProfileGroup>> LoadAsync(ProfileStore store, string tenant, IReadOnlyList<long> personIds,
        IReadOnlyDictionary<long, List<int>> indexesOf, bool cached)
    {
        var loaded = await store.LoadCurrentEncodedManyAsync(tenant, personIds, cached);
        var groups = new Dictionary<long, ProfileGroup>();
        for (var i = 0; i < loaded.Length; i++)
        {
            if (!groups.TryGetValue(loaded[i].PersonId, out var group))
                groups[loaded[i].PersonId] = group = new ProfileGroup(loaded[i], [], []);
            group.People.Add(personIds[i]);
            group.Indexes.AddRange(indexesOf[personIds[i]]);
        }
        foreach (var group in groups.Values)
        {
            if (group.People.Count > 1)
                group.Indexes.Sort();
        }
        return groups.Values;
    }
}
