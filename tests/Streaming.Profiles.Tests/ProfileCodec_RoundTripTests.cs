using System.Text.Json;
using Streaming.Profiles.Model;
using Streaming.Profiles.Pipeline;
using Streaming.Profiles.Storage;
using Streaming.Profiles.Tags;

namespace Streaming.Profiles.Tests;

public sealed class ProfileCodec_RoundTripTests
{
    [Fact]
    public void Codec_keeps_every_part_of_a_profile_including_extreme_amounts()
    {
        var tags = TagCatalog.Compile("t", BuiltInPacks.All.SelectMany(p => p.Tags).Select(t => (t.Id, 1L, t.Definition)));
        var distinct = TagCatalog.Compile("t", [("skus", 1L, """{"name":"Skus","timeZone":"Asia/Shanghai","condition":{"metric":{"fn":"distinct","property":"sku","window":"30d"},"op":"gte","value":2}}""")]);
        var both = new TenantTags("t", [.. tags.Tags, .. distinct.Tags], [.. tags.DedicatedSlots, .. distinct.DedicatedSlots]);
        var state = new ProfileState();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        string[] amounts = ["12.5", "-3.75", "0", "79228162514264337593543950335", "0.0000000001", "1000"];
        for (var i = 0; i < amounts.Length; i++)
        {
            var e = ProfilesFixture.Event("t", 9, "Order Completed", now - i * 86_400_000L,
                $$$"""{"revenue": {{{amounts[i]}}}, "sku": "s{{{i % 3}}}", "$set": {"vip": true}, "$set_once": {"first": {{{i}}}}}""",
                context: """{"app":{"version":"1"}}""");
            ProfilePipeline.Run(state, 9, e, $"events.identified/3/{i}", both, now);
        }
        state.Pending["events.identified/3/9"] = ProfilePipeline.Run(state, 9, ProfilesFixture.Event("t", 9, "identify", now, type: "identify", traits: """{"plan":"pro","score":1.5}"""), "events.identified/3/9", both, now);
        state.Fences["identity.merges/1"] = 4;
        state.MergedInto = null;
        state.CartOpenSince = now;
        state.TimerDue = now + 86_400_000;
        AppliedMessages.Remember(state, AppliedMessages.Hash("m-1"));
        AppliedMessages.Remember(state, ulong.MaxValue);

        var decoded = ProfileCodec.Decode(ProfileCodec.Encode(state));

        Assert.Equal(JsonSerializer.Serialize(state), JsonSerializer.Serialize(decoded));
        Assert.Equal(79228162514264337593543950335m, decoded.Slots["n:Order Completed"].Max);
        Assert.Equal(-3.75m, decoded.Slots["n:Order Completed"].Min);
        Assert.Contains(decoded.Pending.Values.SelectMany(c => c), c => c.Trait == "plan" && c.NewValue == "\"pro\"");
        Assert.Equal(3, decoded.Slots.Values.Single(s => s.Distinct is not null).Distinct!.Count);
        Assert.True(AppliedMessages.Contains(decoded, AppliedMessages.Hash("m-1")));
        Assert.Equal(ulong.MaxValue, decoded.RecentMessages[^1]);

        // Reading only some series steps over everything else (traits, pending changes, series with
        // distinct values and first/last values) and gives the same series and seen times.
        var distinctSlot = decoded.Slots.Single(s => s.Value.Distinct is not null).Key;
        var wanted = new HashSet<string>(StringComparer.Ordinal) { "n:Order Completed", "n:Nothing" };
        var series = ProfileCodec.DecodeSeries(ProfileCodec.Encode(state), wanted);
        Assert.Equal(["n:Order Completed"], series.Slots.Keys);
        Assert.Equal(JsonSerializer.Serialize(decoded.Slots["n:Order Completed"]), JsonSerializer.Serialize(series.Slots["n:Order Completed"]));
        Assert.Equal((decoded.FirstSeen, decoded.LastSeen, decoded.CartOpenSince), (series.FirstSeen, series.LastSeen, series.CartOpenSince));
        var onlyDistinct = ProfileCodec.DecodeSeries(ProfileCodec.Encode(state), new HashSet<string> { distinctSlot });
        Assert.Equal(JsonSerializer.Serialize(decoded.Slots[distinctSlot]), JsonSerializer.Serialize(onlyDistinct.Slots[distinctSlot]));
    }
}
