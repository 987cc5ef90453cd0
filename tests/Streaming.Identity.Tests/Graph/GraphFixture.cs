using StackExchange.Redis;
using Streaming.Embedded.Redis;
using Streaming.Identity.Graph;
using Streaming.Identity.Rules;

namespace Streaming.Identity.Tests.Graph;

/// <summary>A fresh Redis of the given engine, the identity graph on it, and a tenant of its own.</summary>
public sealed class GraphFixture : IAsyncDisposable
{
    private long _position;

    private GraphFixture(TestRedis redis, ConnectionMultiplexer connection)
    {
        Redis = redis;
        Connection = connection;
        Graph = new IdentityGraph(connection, dedupBuckets: 64);
    }

    public TestRedis Redis { get; }
    public ConnectionMultiplexer Connection { get; }
    public IdentityGraph Graph { get; }
    public string Tenant { get; } = "t" + Guid.NewGuid().ToString("N")[..8];
    public IdentityRules Rules { get; set; } = IdentityRules.BuiltIn;

    public static async Task<GraphFixture> StartAsync(RedisEngine engine)
    {
        var redis = await TestRedis.StartAsync(engine);
        return new GraphFixture(redis, await ConnectionMultiplexer.ConnectAsync(redis.ClientConfiguration));
    }

    /// <summary>An event naming <paramref name="ids"/> ("type:value", strongest first) at a new position.</summary>
    public StitchRequest Event(string messageId, params string[] ids) => Event(messageId, 1_800_000_000_000, ids);

    public StitchRequest Event(string messageId, long receivedAt, params string[] ids) => new(
        messageId,
        $"events.raw/0/{Interlocked.Increment(ref _position)}",
        receivedAt,
        receivedAt - 10,
        "web",
        "identify",
        [.. ids.Select(id => new Identifier(id[..id.IndexOf(':', StringComparison.Ordinal)], id[(id.IndexOf(':', StringComparison.Ordinal) + 1)..]))]);

    public async Task<StitchResult> StitchAsync(StitchRequest request) => (await Graph.StitchAsync(Tenant, Rules, [request]))[0];

    public Task<StitchResult> StitchAsync(string messageId, params string[] ids) => StitchAsync(Event(messageId, ids));

    public async Task<long?> PersonOf(string id) =>
        await Graph.LookupAsync(Tenant, id[..id.IndexOf(':', StringComparison.Ordinal)], id[(id.IndexOf(':', StringComparison.Ordinal) + 1)..]);

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        Redis.Dispose();
    }
}
