using Streaming.Contracts.Records;
using Streaming.Embedded.Redis;
using Streaming.Identity.Graph;
using Streaming.Identity.Rules;

namespace Streaming.Identity.Tests.Graph;

/// <summary>
/// An identifier every device sends (the hash of a placeholder e-mail that got past the gateway)
/// must not make one person of a crowd silently: past the device limit its links are refused and recorded.
/// </summary>
public sealed class IdentityGraph_SharedIdentifierTests
{
    [Theory]
    [RedisEngineData(RedisEngine.RedisServer)]
    [RedisEngineData(RedisEngine.Garnet)]
    public async Task Graph_refuses_and_records_a_hashed_identifier_shared_by_more_devices_than_the_limit(RedisEngine engine)
    {
        await using var bed = await GraphFixture.StartAsync(engine);
        var devices = IdentityRules.MaxDevicesPerPerson + 2;
        var persons = new List<long>();
        var merges = new List<MergeRecord>();
        for (var d = 1; d <= devices; d++)
        {
            persons.Add((await bed.StitchAsync($"browse-{d}", $"anonymousId:D{d}")).PersonId);
            merges.AddRange((await bed.StitchAsync($"identify-{d}", "email_hash:SHARED", $"anonymousId:D{d}")).Merges);
        }

        Assert.Equal(IdentityRules.MaxDevicesPerPerson - 1, merges.Count(m => m.Outcome == MergeOutcome.Merged));
        var refusals = merges.Where(m => m.Outcome == MergeOutcome.Refused).ToList();
        Assert.Equal(2, refusals.Count);
        Assert.All(refusals, r => Assert.Contains("reached person " + persons[0] + " through email_hash SHARED", r.Reason, StringComparison.Ordinal));
        Assert.All(refusals, r => Assert.Contains($"at most {IdentityRules.MaxDevicesPerPerson} anonymousId per person", r.Reason, StringComparison.Ordinal));
        Assert.Equal(persons[^1], await bed.PersonOf($"anonymousId:D{devices}"));
        Assert.NotEqual(persons[0], persons[^1]);
        // The refusal is in the crowd's history, where the API shows it.
        var crowd = await bed.Graph.ReadPersonAsync(bed.Tenant, persons[0]);
        Assert.Equal(2, crowd!.Merges.Count(m => m.Outcome == MergeOutcome.Refused));
        Assert.True(refusals[0].Reason.Length < 600, refusals[0].Reason);
    }
}
