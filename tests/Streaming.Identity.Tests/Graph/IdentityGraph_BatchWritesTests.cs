using StackExchange.Redis;
using Streaming.Embedded.Redis;
using Streaming.Identity.Graph;

namespace Streaming.Identity.Tests.Graph;

/// <summary>
/// The stitch script defers and groups writes within a batch (last seen once per person, a fence
/// hash's expiry once per hash): the stored state must be what event-by-event writes would give.
/// </summary>
public sealed class IdentityGraph_BatchWritesTests
{
    [Theory]
    [RedisEngineData(RedisEngine.RedisServer)]
    [RedisEngineData(RedisEngine.Garnet)]
    public async Task Graph_keeps_the_latest_last_seen_when_a_batch_merges_the_person_in_between(RedisEngine engine)
    {
        await using var bed = await GraphFixture.StartAsync(engine);
        const long t = 1_800_000_000_000;
        var older = await bed.StitchAsync(bed.Event("s0", t, "anonymousId:S"));
        var younger = await bed.StitchAsync(bed.Event("x0", t, "anonymousId:X"));

        // One batch: S, then X on its own person, then both (X's person is absorbed), then X again.
        var results = await bed.Graph.StitchAsync(bed.Tenant, bed.Rules,
        [
            bed.Event("b1", t + 1, "anonymousId:S"),
            bed.Event("b2", t + 2, "anonymousId:X"),
            bed.Event("b3", t + 3, "anonymousId:S", "anonymousId:X"),
            bed.Event("b4", t + 4, "anonymousId:X"),
            bed.Event("b5", t + 5, "anonymousId:N"),
            bed.Event("b6", t + 6, "anonymousId:N"),
        ]);

        Assert.Equal([older.PersonId, younger.PersonId, older.PersonId, older.PersonId], results.Take(4).Select(r => r.PersonId));
        var survivor = (await bed.Graph.ReadPersonAsync(bed.Tenant, older.PersonId))!;
        Assert.Equal(t + 3, survivor.Identifiers.Single(i => i.Value == "S").LastSeen);
        Assert.Equal(t + 4, survivor.Identifiers.Single(i => i.Value == "X").LastSeen);
        var absorbed = (await bed.Graph.ReadPersonAsync(bed.Tenant, younger.PersonId))!;
        Assert.Equal(older.PersonId, absorbed.PersonId);
        var created = (await bed.Graph.ReadPersonAsync(bed.Tenant, results[4].PersonId))!;
        Assert.Equal(results[4].PersonId, results[5].PersonId);
        Assert.Equal("b5", created.CreatedByMessageId);
        var n = Assert.Single(created.Identifiers);
        Assert.Equal((t + 5 - 10, t + 6, "web"), (n.FirstSeen, n.LastSeen, n.Source));
    }

    [Theory]
    [RedisEngineData(RedisEngine.RedisServer)]
    [RedisEngineData(RedisEngine.Garnet)]
    public async Task Graph_gives_every_fence_hash_its_expiry_even_one_written_without_it(RedisEngine engine)
    {
        await using var bed = await GraphFixture.StartAsync(engine);
        var db = bed.Connection.GetDatabase();
        const long t = 1_800_000_000_000;
        var first = GraphKeys.FenceOf("f1", t, bed.Rules.DedupWindow, 64);
        var prefix = GraphKeys.Prefix(bed.Tenant);
        // A fence hash as an earlier version left it: fields, no expiry marker, and (here) no expiry.
        var old = GraphKeys.FenceOf("old", t, bed.Rules.DedupWindow, 64);
        var later = Enumerable.Range(0, 5000).Select(i => $"o{i}").First(m => GraphKeys.FenceOf(m, t, bed.Rules.DedupWindow, 64).Key == old.Key);
        await db.HashSetAsync(prefix + old.Key, "0000000000000000", $"{t}|elsewhere/0/1|1");

        await bed.Graph.StitchAsync(bed.Tenant, bed.Rules, [bed.Event("f1", t, "anonymousId:A"), bed.Event(later, t, "anonymousId:B")]);

        foreach (var fence in new[] { first, old })
        {
            var ttl = await db.KeyTimeToLiveAsync(prefix + fence.Key);
            var expected = DateTimeOffset.FromUnixTimeMilliseconds(fence.ExpiresAt) - DateTimeOffset.UtcNow;
            Assert.NotNull(ttl);
            Assert.InRange(ttl.Value, expected - TimeSpan.FromMinutes(1), expected + TimeSpan.FromMinutes(1));
        }
    }

    [Theory]
    [RedisEngineData(RedisEngine.RedisServer)]
    [RedisEngineData(RedisEngine.Garnet)]
    public async Task Graph_stitches_identifiers_of_every_length_and_alphabet(RedisEngine engine)
    {
        // The events travel as one MessagePack blob: every string length form (fixstr, str8, str16) and UTF-8.
        await using var bed = await GraphFixture.StartAsync(engine);
        string[] values = ["", "x", new('a', 31), new('b', 32), new('c', 255), new('d', 256), new('e', 70_000), "Zoë-中文-🙂"];
        var events = values.Select((v, i) => bed.Event(new string('m', i * 20) + i, $"anonymousId:k{i}", $"email_hash:{v}")).ToList();

        var results = await bed.Graph.StitchAsync(bed.Tenant, bed.Rules, events);

        Assert.All(results, r => Assert.Equal(StitchStatus.Stitched, r.Status));
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(results[i].PersonId, await bed.PersonOf($"email_hash:{values[i]}"));
            Assert.Equal(results[i].PersonId, await bed.PersonOf($"anonymousId:k{i}"));
        }
        Assert.Equal(values.Length, results.Select(r => r.PersonId).Distinct().Count());
    }

    [Theory]
    [RedisEngineData(RedisEngine.RedisServer)]
    [RedisEngineData(RedisEngine.Garnet)]
    public async Task Graph_throws_when_Redis_refuses_a_write_and_stitches_again_once_it_is_fixed(RedisEngine engine)
    {
        await using var bed = await GraphFixture.StartAsync(engine);
        var db = bed.Connection.GetDatabase();
        const long t = 1_800_000_000_000;
        var fence = GraphKeys.Prefix(bed.Tenant) + GraphKeys.FenceOf("w1", t, bed.Rules.DedupWindow, 64).Key;
        await db.StringSetAsync(fence, "not a hash");

        await Assert.ThrowsAsync<RedisServerException>(() => bed.StitchAsync(bed.Event("w1", t, "anonymousId:W")));
        Assert.Null(await bed.PersonOf("anonymousId:W"));

        await db.KeyDeleteAsync(fence);
        var retried = await bed.StitchAsync(bed.Event("w1", t, "anonymousId:W"));
        Assert.Equal(StitchStatus.Stitched, retried.Status);
        Assert.Equal(retried.PersonId, await bed.PersonOf("anonymousId:W"));
    }
}
