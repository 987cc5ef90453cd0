using Streaming.Profiles.Storage;

namespace Streaming.Profiles.Tests;

public sealed class ProfileCache_EvictionTests
{
    private static EncodedProfile Profile(long personId, long version, int bytes) => new("t", personId, version, new byte[bytes]);

    [Fact]
    public void Holds_the_latest_written_version_and_evicts_the_least_recently_used_past_its_capacity()
    {
        var cache = new ProfileCache(3 * (1_000 + 160));
        cache.Set(Profile(1, 1, 1_000));
        cache.Set(Profile(2, 1, 1_000));
        cache.Set(Profile(1, 2, 1_000));
        cache.Set(Profile(3, 1, 1_000));
        Assert.Equal(3, cache.Count);
        // Person 2 is the least recently used (1 was written again after it); reading it makes person 1 the oldest.
        Assert.NotNull(cache.GetMany("t", [2])[0]);
        cache.Set(Profile(4, 1, 1_000));

        var found = cache.GetMany("t", [1, 2, 3, 4]);
        Assert.Null(found[0]);
        Assert.Equal(1, found[1]!.Version);
        Assert.Equal(1, found[2]!.Version);
        Assert.Equal(1, found[3]!.Version);
        Assert.Equal(3 * (1_000 + 160), cache.Bytes);
    }

    [Fact]
    public void Keeps_tenants_apart_forgets_on_remove_and_holds_nothing_with_no_capacity()
    {
        var cache = new ProfileCache(1 << 20);
        cache.Set(Profile(1, 5, 100));
        Assert.Null(cache.GetMany("other", [1])[0]);
        Assert.Equal(5, cache.GetMany("t", [1])[0]!.Version);
        cache.Remove("t", 1);
        Assert.Null(cache.GetMany("t", [1])[0]);
        Assert.Equal(0, cache.Bytes);
        Assert.Equal((1, 2), (cache.Hits, cache.Misses));

        var none = new ProfileCache(0);
        none.Set(Profile(1, 1, 100));
        Assert.Equal(0, none.Count);
    }
}
