using System.Net.Sockets;
using StackExchange.Redis;
using Streaming.Embedded.Redis;

namespace Streaming.Embedded.Tests.Redis;

public sealed class RedisServerProcess_LifetimeTests
{
    [Theory]
    [RedisEngineData(RedisEngine.RedisServer)]
    public async Task RedisServerProcess_stops_the_server_and_removes_its_folder_when_disposed(RedisEngine engine)
    {
        Assert.Equal(RedisEngine.RedisServer, engine);
        var server = await RedisServerProcess.StartAsync();
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString))
        {
            Assert.Equal("PONG", (string?)await connection.GetDatabase().ExecuteAsync("PING"));
        }

        server.Dispose();

        using var client = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync("127.0.0.1", server.Port));
        Assert.False(Directory.Exists(server.DataDirectory));
    }

    [Theory]
    [RedisEngineData(RedisEngine.RedisServer)]
    public async Task RedisServerProcess_keeps_data_across_restarts_when_append_only_is_on(RedisEngine engine)
    {
        Assert.Equal(RedisEngine.RedisServer, engine);
        var folder = Directory.CreateTempSubdirectory("redis-aof-test-");
        try
        {
            var options = new RedisServerOptions { DataDirectory = folder.FullName, AppendOnly = true };
            using (var server = await RedisServerProcess.StartAsync(options))
            await using (var connection = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString))
            {
                await connection.GetDatabase().StringSetAsync("kept", "yes");
            }

            using (var server = await RedisServerProcess.StartAsync(options))
            await using (var connection = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString))
            {
                Assert.Equal("yes", await connection.GetDatabase().StringGetAsync("kept"));
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
