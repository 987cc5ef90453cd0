using StackExchange.Redis;
using Streaming.Embedded.Redis;

namespace Streaming.Embedded.Tests.Redis;

public sealed class EmbeddedGarnet_PersistenceTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("garnet-test-");

    [Fact]
    public async Task EmbeddedGarnet_recovers_strings_hashes_and_counters_when_restarted_on_the_same_folder()
    {
        var options = new EmbeddedGarnetOptions { DataDirectory = _data.FullName };
        using (var garnet = EmbeddedGarnet.Start(options))
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString))
        {
            var db = connection.GetDatabase();
            await db.StringSetAsync("person:1:name", "Ada");
            await db.HashSetAsync("person:1:traits", [new HashEntry("plan", "pro"), new HashEntry("country", "NL")]);
            await db.StringIncrementAsync("events:count", 41);
            await db.StringIncrementAsync("events:count");
        }

        using (var garnet = EmbeddedGarnet.Start(options))
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString))
        {
            var db = connection.GetDatabase();
            Assert.Equal("Ada", await db.StringGetAsync("person:1:name"));
            Assert.Equal("pro", await db.HashGetAsync("person:1:traits", "plan"));
            Assert.Equal("NL", await db.HashGetAsync("person:1:traits", "country"));
            Assert.Equal(42, (long)await db.StringGetAsync("events:count"));
        }
    }

    [Fact]
    public async Task EmbeddedGarnet_starts_empty_when_it_has_no_data_folder()
    {
        using (var garnet = EmbeddedGarnet.Start())
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString))
        {
            await connection.GetDatabase().StringSetAsync("key", "value");
        }

        using var fresh = EmbeddedGarnet.Start();
        await using var again = await ConnectionMultiplexer.ConnectAsync(fresh.ConnectionString);
        Assert.False(await again.GetDatabase().KeyExistsAsync("key"));
        Assert.Null(fresh.DataDirectory);
    }

    public void Dispose() => _data.Delete(recursive: true);
}
