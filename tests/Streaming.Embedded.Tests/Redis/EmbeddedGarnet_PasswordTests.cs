using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;
using Streaming.Embedded.Redis;

namespace Streaming.Embedded.Tests.Redis;

public sealed class EmbeddedGarnet_PasswordTests
{
    private const string Password = "garnet-test-password-0001";

    [Fact]
    public async Task EmbeddedGarnet_refuses_every_command_until_the_client_authenticates_with_its_password()
    {
        using var garnet = EmbeddedGarnet.Start(new EmbeddedGarnetOptions { Password = Password });
        Assert.True(garnet.RequiresPassword);

        // A client that does not authenticate reads and writes nothing.
        Assert.StartsWith("-NOAUTH", await SendAsync(garnet.Port, "GET", "person:1"), StringComparison.Ordinal);
        Assert.StartsWith("-NOAUTH", await SendAsync(garnet.Port, "SET", "person:1", "stolen"), StringComparison.Ordinal);
        Assert.StartsWith("-NOAUTH", await SendAsync(garnet.Port, "EVAL", "return 1", "0"), StringComparison.Ordinal);
        Assert.StartsWith("-", await SendAsync(garnet.Port, "AUTH", "wrong-password"), StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<RedisException>(async () =>
        {
            await using var wrong = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{garnet.Port},password=wrong-password,connectTimeout=3000");
            await wrong.GetDatabase().StringGetAsync("person:1");
        });

        // The connection string carries the password: the services connect with it unchanged.
        Assert.Contains("password=" + Password, garnet.ConnectionString, StringComparison.Ordinal);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
        var db = connection.GetDatabase();
        await db.StringSetAsync("person:1", "Ada");
        Assert.Equal("Ada", await db.StringGetAsync("person:1"));
        Assert.Equal("+OK", await SendAsync(garnet.Port, "AUTH", Password));
    }

    /// <summary>Sends one RESP command on a fresh connection and returns the first line of the answer.</summary>
    private static async Task<string> SendAsync(int port, params string[] command)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, timeout.Token);
        var stream = client.GetStream();
        var resp = new StringBuilder($"*{command.Length}\r\n");
        foreach (var part in command)
            resp.Append($"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(resp.ToString()), timeout.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadLineAsync(timeout.Token) ?? "";
    }
}
