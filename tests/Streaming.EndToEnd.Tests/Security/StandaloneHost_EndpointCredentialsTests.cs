using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;
using Streaming.Standalone;

namespace Streaming.EndToEnd.Tests.Security;

/// <summary>What the standalone host opens, and with which credentials.</summary>
public sealed class StandaloneHost_EndpointCredentialsTests
{
    [Fact]
    public async Task Standalone_Redis_refuses_a_client_without_the_password_the_services_use()
    {
        await using var system = await RunningSystem.StartAsync("redis-password");
        var redis = system.Host.RedisConnectionString;
        var port = int.Parse(redis.Split(',')[0].Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);

        using (var client = new TcpClient())
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            await client.GetStream().WriteAsync("*2\r\n$4\r\nKEYS\r\n$1\r\n*\r\n"u8.ToArray(), timeout.Token);
            using var reader = new StreamReader(client.GetStream(), Encoding.UTF8);
            Assert.StartsWith("-NOAUTH", await reader.ReadLineAsync(timeout.Token), StringComparison.Ordinal);
        }

        // The services got the password: the identity graph and profiles are written through it.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await system.SendAsync("/v1/identify", "{\"userId\":\"u-redis-1\",\"traits\":{\"plan\":\"gold\"}}")).StatusCode);
        await Eventually.Async("the profile of u-redis-1", () => system.GetAsync("/api/profiles/lookup?type=userId&value=u-redis-1"), Eventually.Limit);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis);
        Assert.NotEmpty(connection.GetServers()[0].Keys(pattern: "*", pageSize: 100).Take(1));
        Assert.Contains(system.Host.RedisPassword, system.Host.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Listen_policy_allows_loopback_and_a_network_address_only_when_every_endpoint_authenticates()
    {
        ExposedEndpoint[] open = [new("HTTP API", true, "keys"), new("Redis", false, "no password")];
        ExposedEndpoint[] closed = [new("HTTP API", true, "keys"), new("Redis", true, "password")];
        Assert.Null(ListenPolicy.Refusal("127.0.0.1", open));
        Assert.Null(ListenPolicy.Refusal("::1", open));
        Assert.Contains("Redis has no authentication (no password)", ListenPolicy.Refusal("192.168.1.10", open), StringComparison.Ordinal);
        Assert.Null(ListenPolicy.Refusal("0.0.0.0", closed));
    }
}
