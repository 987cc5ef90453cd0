using System.Net.Http.Headers;
using System.Text;
using Confluent.SchemaRegistry;
using Streaming.Embedded.SchemaRegistry;

namespace Streaming.Embedded.Tests.SchemaRegistry;

/// <summary>An embedded registry on a free loopback port and a temporary folder, removed when the test ends.</summary>
public sealed class RegistryUnderTest : IAsyncDisposable
{
    public const string Password = "registry-test-password";

    private RegistryUnderTest(string dataPath, EmbeddedSchemaRegistry server)
    {
        DataPath = dataPath;
        Server = server;
    }

    public string DataPath { get; }

    public EmbeddedSchemaRegistry Server { get; private set; }

    public static async Task<RegistryUnderTest> StartAsync()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "streaming-registry-tests-" + Guid.NewGuid().ToString("N"));
        return new RegistryUnderTest(dataPath, await EmbeddedSchemaRegistry.StartAsync(Options(dataPath)));
    }

    /// <summary>Confluent's own client, unchanged, pointed at the endpoint.</summary>
    public CachedSchemaRegistryClient Client(string? password = Password) => new(new SchemaRegistryConfig
    {
        Url = Server.Url.ToString(),
        BasicAuthUserInfo = password is null ? null : $"{Server.UserName}:{password}",
        BasicAuthCredentialsSource = password is null ? null : AuthCredentialsSource.UserInfo,
    });

    /// <summary>A plain HTTP client signed in with basic auth, for what Confluent's client never sends.</summary>
    public HttpClient Http(string? password = Password)
    {
        // Expect: 100-continue, as curl does for large bodies: a request the registry refuses before
        // reading its body (too large) gets the answer instead of a reset while it still writes.
        var client = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(2) }) { BaseAddress = Server.Url };
        client.DefaultRequestHeaders.ExpectContinue = true;
        if (password is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Server.UserName}:{password}")));
        }

        return client;
    }

    /// <summary>Stops the endpoint and starts a new one on the same folder.</summary>
    public async Task RestartAsync()
    {
        await Server.DisposeAsync();
        Server = await EmbeddedSchemaRegistry.StartAsync(Options(DataPath));
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        if (Directory.Exists(DataPath))
            Directory.Delete(DataPath, recursive: true);
    }

    private static EmbeddedSchemaRegistryOptions Options(string dataPath) => new() { DataPath = dataPath, Password = Password };
}
