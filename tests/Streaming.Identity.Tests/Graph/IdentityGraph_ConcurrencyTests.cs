using StackExchange.Redis;
using Streaming.Embedded.Redis;
using Streaming.Identity.Graph;

namespace Streaming.Identity.Tests.Graph;

public sealed class IdentityGraph_ConcurrencyTests
{
    private const int Connections = 8;
    private const int Rounds = 40;

    [Theory]
    [RedisEngineData(RedisEngine.RedisServer)]
    [RedisEngineData(RedisEngine.Garnet)]
    public async Task Graph_gives_one_person_when_eight_connections_race_identify_calls_on_the_same_ids(RedisEngine engine)
    {
        await using var bed = await GraphFixture.StartAsync(engine);
        var connections = await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => ConnectionMultiplexer.ConnectAsync(bed.Redis.ClientConfiguration)));
        try
        {
            var graphs = connections.Select(c => new IdentityGraph(c, 64)).ToArray();
            for (var round = 0; round < Rounds; round++)
            {
                // Like eight partitions: each sees a device browse, then log in as the same member,
                // then the member leaves a phone number; all at the same moment.
                var user = $"U{round}";
                await Task.WhenAll(graphs.Select((graph, k) => Task.Run(async () =>
                {
                    await graph.StitchAsync(bed.Tenant, bed.Rules, [bed.Event($"{round}-{k}-a", $"anonymousId:A{round}-{k}")]);
                    await graph.StitchAsync(bed.Tenant, bed.Rules, [bed.Event($"{round}-{k}-b", $"userId:{user}", $"anonymousId:A{round}-{k}")]);
                    await graph.StitchAsync(bed.Tenant, bed.Rules, [bed.Event($"{round}-{k}-c", $"phone_hash:P{round}", $"anonymousId:A{round}-{k}")]);
                })));

                var person = await bed.PersonOf($"userId:{user}");
                Assert.NotNull(person);
                for (var k = 0; k < Connections; k++)
                    Assert.Equal(person, await bed.PersonOf($"anonymousId:A{round}-{k}"));
                var record = await bed.Graph.ReadPersonAsync(bed.Tenant, person.Value);
                Assert.Equal(Connections + 2, record!.Identifiers.Count);
                Assert.Equal(Connections - 1, record.Absorbed.Count);
                Assert.Equal((long)person, record.Absorbed.Select(a => a.PersonId).Append(person.Value).Min());
            }
        }
        finally
        {
            foreach (var connection in connections)
                await connection.DisposeAsync();
        }
    }
}
