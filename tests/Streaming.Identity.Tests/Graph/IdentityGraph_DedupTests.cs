using Streaming.Embedded.Redis;
using Streaming.Identity.Graph;

namespace Streaming.Identity.Tests.Graph;

public sealed class IdentityGraph_DedupTests
{
    [Theory]
    [RedisEngineData(RedisEngine.RedisServer)]
    [RedisEngineData(RedisEngine.Garnet)]
    public async Task Graph_answers_a_redelivered_message_with_the_same_person_and_merges(RedisEngine engine)
    {
        await using var bed = await GraphFixture.StartAsync(engine);
        await bed.StitchAsync("m1", "userId:U1", "anonymousId:A1");
        await bed.StitchAsync("m2", "anonymousId:A2");
        var merging = bed.Event("m3", "userId:U1", "anonymousId:A2");
        var first = await bed.StitchAsync(merging);
        await bed.StitchAsync("m4", "userId:U1", "anonymousId:A3");

        var again = await bed.StitchAsync(merging);

        Assert.Equal(StitchStatus.Replayed, again.Status);
        Assert.Equal(first.PersonId, again.PersonId);
        Assert.Equal(first.Merges, again.Merges);
        Assert.Single((await bed.Graph.ReadPersonAsync(bed.Tenant, first.PersonId))!.Absorbed);
    }

    [Theory]
    [RedisEngineData(RedisEngine.RedisServer)]
    [RedisEngineData(RedisEngine.Garnet)]
    public async Task Graph_drops_a_message_id_seen_within_the_window_and_takes_it_again_after(RedisEngine engine)
    {
        await using var bed = await GraphFixture.StartAsync(engine);
        var day = (long)TimeSpan.FromDays(1).TotalMilliseconds;
        const long start = 1_800_000_000_000;
        var original = await bed.StitchAsync(bed.Event("dup", start, "anonymousId:A1"));

        // The gateway retried: same messageId, another offset, six days later (window 7 days).
        var retry = await bed.StitchAsync(bed.Event("dup", start + 6 * day, "anonymousId:A1"));
        var muchLater = await bed.StitchAsync(bed.Event("dup", start + 8 * day, "anonymousId:A1"));
        var sameBatch = await bed.Graph.StitchAsync(bed.Tenant, bed.Rules, [bed.Event("pair", start, "anonymousId:A5"), bed.Event("pair", start, "anonymousId:A5")]);

        Assert.Equal(StitchStatus.Stitched, original.Status);
        Assert.Equal(StitchStatus.Duplicate, retry.Status);
        Assert.Equal(StitchStatus.Stitched, muchLater.Status);
        Assert.Equal(original.PersonId, muchLater.PersonId);
        Assert.Equal([StitchStatus.Stitched, StitchStatus.Duplicate], sameBatch.Select(r => r.Status));
    }
}
