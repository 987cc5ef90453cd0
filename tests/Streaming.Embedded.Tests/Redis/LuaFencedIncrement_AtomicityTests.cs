using StackExchange.Redis;
using Streaming.Embedded.Redis;

namespace Streaming.Embedded.Tests.Redis;

public sealed class LuaFencedIncrement_AtomicityTests
{
    // The invariant-2 shape: apply a change only when the partition's fence is below the
    // offset, and move the fence in the same step. Read, check and write must be atomic.
    private const string FencedIncrement = """
        local fence = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
        local offset = tonumber(ARGV[2])
        if fence >= offset then
          return 0
        end
        redis.call('HSET', KEYS[1], ARGV[1], offset)
        redis.call('INCRBY', KEYS[2], ARGV[3])
        return 1
        """;

    private const int Connections = 8;
    private const int Partitions = 8;
    private const int OffsetsPerPartition = 250;

    [Theory]
    [RedisEngineData(RedisEngine.Garnet)]
    [RedisEngineData(RedisEngine.RedisServer)]
    public async Task Fenced_increment_script_applies_every_offset_exactly_once_when_eight_connections_redeliver_it(RedisEngine engine)
    {
        using var redis = await TestRedis.StartAsync(engine);
        var connections = await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => ConnectionMultiplexer.ConnectAsync(redis.ClientConfiguration)));
        try
        {
            // Every connection replays the whole stream, like eight instances that all got it
            // redelivered: each offset must be applied by exactly one of them.
            var applied = await Task.WhenAll(connections.Select(connection => ReplayStreamAsync(connection.GetDatabase())));

            var db = connections[0].GetDatabase();
            const long expectedTotal = Partitions * (long)OffsetsPerPartition * (OffsetsPerPartition + 1) / 2;
            Assert.Equal(expectedTotal, (long)await db.StringGetAsync("{tenant-1}:total"));
            Assert.Equal(Partitions * OffsetsPerPartition, applied.Sum());
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task<int> ReplayStreamAsync(IDatabase db)
    {
        RedisKey[] keys = ["{tenant-1}:fences", "{tenant-1}:total"];
        var results = new List<Task<RedisResult>>();
        for (var offset = 1; offset <= OffsetsPerPartition; offset++)
        {
            for (var partition = 0; partition < Partitions; partition++)
            {
                // The amount is the offset, so a double or a lost increment changes the total.
                results.Add(db.ScriptEvaluateAsync(FencedIncrement, keys, [partition, offset, offset]));
            }
        }

        await Task.WhenAll(results);
        return results.Sum(r => (int)r.Result);
    }
}
