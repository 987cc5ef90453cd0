using Streaming.Contracts.Records;
using Streaming.Embedded.Redis;
using Streaming.Identity.Graph;
using Streaming.Identity.Rules;

namespace Streaming.Identity.Tests.Graph;

public sealed class IdentityGraph_StitchingTests
{
    [Theory]
    [RedisEngineData(RedisEngine.RedisServer)]
    [RedisEngineData(RedisEngine.Garnet)]
    public async Task Graph_gives_anonymous_browsing_and_the_later_login_one_person(RedisEngine engine)
    {
        await using var bed = await GraphFixture.StartAsync(engine);

        var browsing = await bed.StitchAsync("m1", "anonymousId:A1");
        var login = await bed.StitchAsync("m2", "userId:U1", "anonymousId:A1");
        var later = await bed.StitchAsync("m3", "userId:U1");

        Assert.Equal(StitchStatus.Stitched, browsing.Status);
        Assert.Equal(browsing.PersonId, login.PersonId);
        Assert.Equal(browsing.PersonId, later.PersonId);
        Assert.Empty(login.Merges);
        var person = await bed.Graph.ReadPersonAsync(bed.Tenant, browsing.PersonId);
        Assert.Equal(["anonymousId:A1", "userId:U1"], person!.Identifiers.Select(i => $"{i.Type}:{i.Value}"));
        Assert.All(person.Identifiers, i => Assert.Equal("web", i.Source));
    }

    [Theory]
    [RedisEngineData(RedisEngine.RedisServer)]
    [RedisEngineData(RedisEngine.Garnet)]
    public async Task Graph_merges_a_second_device_into_the_older_person_and_redirects_the_absorbed_one(RedisEngine engine)
    {
        await using var bed = await GraphFixture.StartAsync(engine);
        var phone = await bed.StitchAsync("m1", "userId:U1", "anonymousId:A1");
        var laptop = await bed.StitchAsync("m2", "anonymousId:A2");
        Assert.NotEqual(phone.PersonId, laptop.PersonId);

        var login = await bed.StitchAsync("m3", "userId:U1", "anonymousId:A2");

        Assert.Equal(phone.PersonId, login.PersonId);
        var merge = Assert.Single(login.Merges);
        Assert.Equal((MergeOutcome.Merged, phone.PersonId.ToString(), laptop.PersonId.ToString(), "m3"), (merge.Outcome, merge.Survivor, merge.Absorbed, merge.MessageId));
        // A late event of the absorbed device, and the absorbed id held elsewhere, still resolve to the survivor.
        Assert.Equal(phone.PersonId, (await bed.StitchAsync("m4", "anonymousId:A2")).PersonId);
        var viaOldId = await bed.Graph.ReadPersonAsync(bed.Tenant, laptop.PersonId);
        Assert.Equal(phone.PersonId, viaOldId!.PersonId);
        Assert.Equal(laptop.PersonId, Assert.Single(viaOldId.Absorbed).PersonId);
        Assert.Equal(3, viaOldId.Identifiers.Count);
        Assert.Equal("m3", Assert.Single(viaOldId.Merges).MessageId);
    }

    [Theory]
    [RedisEngineData(RedisEngine.RedisServer)]
    [RedisEngineData(RedisEngine.Garnet)]
    public async Task Graph_never_merges_two_members_of_a_shared_device_and_records_the_refusal(RedisEngine engine)
    {
        await using var bed = await GraphFixture.StartAsync(engine);
        var first = await bed.StitchAsync("m1", "userId:U1", "anonymousId:SHARED");

        var second = await bed.StitchAsync("m2", "userId:U2", "anonymousId:SHARED");
        var again = await bed.StitchAsync("m3", "userId:U2", "anonymousId:SHARED");

        Assert.NotEqual(first.PersonId, second.PersonId);
        Assert.Equal(second.PersonId, again.PersonId);
        Assert.Equal(first.PersonId, await bed.PersonOf("anonymousId:SHARED"));
        var refusal = Assert.Single(second.Merges);
        Assert.Equal(MergeOutcome.Refused, refusal.Outcome);
        Assert.Contains("at most 1 userId per person", refusal.Reason, StringComparison.Ordinal);
        Assert.Contains("U1", refusal.Reason, StringComparison.Ordinal);
        Assert.Empty(again.Merges); // recorded once per pair of persons, not on every event
        var person = await bed.Graph.ReadPersonAsync(bed.Tenant, first.PersonId);
        Assert.Equal(MergeOutcome.Refused, Assert.Single(person!.Merges).Outcome);
    }

    [Theory]
    [RedisEngineData(RedisEngine.RedisServer)]
    [RedisEngineData(RedisEngine.Garnet)]
    public async Task Graph_links_an_alias_chain_to_one_person(RedisEngine engine)
    {
        await using var bed = await GraphFixture.StartAsync(engine);
        var a1 = await bed.StitchAsync("m1", "anonymousId:A1");
        var a2 = await bed.StitchAsync("m2", "anonymousId:A2");

        // alias(previousId → userId): the previousId is an anonymousId unless a userId of that value exists.
        var alias1 = await bed.StitchAsync("m3", "userId:U1", $"{IdentifierTypes.PreviousId}:A1");
        var alias2 = await bed.StitchAsync("m4", "userId:U1", $"{IdentifierTypes.PreviousId}:A2");
        var phone = await bed.StitchAsync("m5", "phone_hash:P1", "anonymousId:A2");

        Assert.All(new[] { alias1, alias2, phone }, r => Assert.Equal(a1.PersonId, r.PersonId));
        Assert.Equal(a2.PersonId.ToString(), Assert.Single(alias2.Merges).Absorbed);
        foreach (var id in new[] { "anonymousId:A1", "anonymousId:A2", "userId:U1", "phone_hash:P1" })
            Assert.Equal(a1.PersonId, await bed.PersonOf(id));
    }

    [Theory]
    [RedisEngineData(RedisEngine.RedisServer)]
    [RedisEngineData(RedisEngine.Garnet)]
    public async Task Graph_refuses_a_second_userId_through_a_phone_and_keeps_both_persons_whole(RedisEngine engine)
    {
        await using var bed = await GraphFixture.StartAsync(engine);
        var u1 = await bed.StitchAsync("m1", "userId:U1", "phone_hash:P1");
        var u2 = await bed.StitchAsync("m2", "userId:U2", "anonymousId:A9");

        var conflict = await bed.StitchAsync("m3", "phone_hash:P1", "anonymousId:A9");

        Assert.Equal(u1.PersonId, conflict.PersonId);
        Assert.Equal(MergeOutcome.Refused, Assert.Single(conflict.Merges).Outcome);
        Assert.Equal(u1.PersonId, await bed.PersonOf("userId:U1"));
        Assert.Equal(u2.PersonId, await bed.PersonOf("userId:U2"));
        Assert.Equal(u2.PersonId, await bed.PersonOf("anonymousId:A9"));
    }

    [Theory]
    [RedisEngineData(RedisEngine.RedisServer)]
    [RedisEngineData(RedisEngine.Garnet)]
    public async Task Graph_applies_tenant_limits_so_a_person_keeps_at_most_two_phones(RedisEngine engine)
    {
        await using var bed = await GraphFixture.StartAsync(engine);
        bed.Rules = IdentityRules.BuiltIn.With(new IdentityRulesDocument { Limits = new() { ["phone_hash"] = 2 } }, out _)!;
        var person = (await bed.StitchAsync("m1", "userId:U1", "phone_hash:P1")).PersonId;
        await bed.StitchAsync("m2", "userId:U1", "phone_hash:P2");

        var third = await bed.StitchAsync("m3", "userId:U1", "phone_hash:P3");

        Assert.Equal(person, third.PersonId);
        Assert.Contains("at most 2 per person", Assert.Single(third.Merges).Reason, StringComparison.Ordinal);
        Assert.Null(await bed.PersonOf("phone_hash:P3"));
    }

    [Theory]
    [RedisEngineData(RedisEngine.RedisServer)]
    [RedisEngineData(RedisEngine.Garnet)]
    public async Task Graph_refuses_an_alias_from_one_member_id_to_another(RedisEngine engine)
    {
        await using var bed = await GraphFixture.StartAsync(engine);
        var old = await bed.StitchAsync("m1", "userId:OLD", "anonymousId:A1");
        var renamed = await bed.StitchAsync("m2", "userId:NEW", "anonymousId:A2");

        var alias = await bed.StitchAsync("m3", "userId:NEW", $"{IdentifierTypes.PreviousId}:OLD");

        Assert.Equal(renamed.PersonId, alias.PersonId);
        Assert.Equal(MergeOutcome.Refused, Assert.Single(alias.Merges).Outcome);
        Assert.Equal(old.PersonId, await bed.PersonOf("userId:OLD"));
        Assert.Null(await bed.PersonOf("anonymousId:OLD"));
    }
}
