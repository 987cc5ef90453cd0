using Confluent.SchemaRegistry;
using Streaming.Contracts.Avro;
using Streaming.Contracts.Topics;

namespace Streaming.Embedded.SchemaRegistry;

/// <summary>
/// An embedded Schema Registry on a free loopback port, in its own temporary folder, holding every
/// catalog schema as the topics job registers them (plus any extra topics a test bed names), with the
/// <see cref="TopicSerdes"/> bound to it. Tests and benchmarks use it where production has the
/// registry the topics job filled; the folder is removed on dispose.
/// </summary>
public sealed class CatalogSchemaRegistry : IAsyncDisposable, IDisposable
{
    private readonly EmbeddedSchemaRegistry _registry;
    private readonly string _folder;

    private CatalogSchemaRegistry(EmbeddedSchemaRegistry registry, string folder, CachedSchemaRegistryClient client)
    {
        _registry = registry;
        _folder = folder;
        Client = client;
        Serdes = new TopicSerdes(client);
    }

    public Uri Url => _registry.Url;
    public string UserName => _registry.UserName;
    public string Password => _registry.Password;
    public string UserInfo => _registry.UserInfo;
    public CachedSchemaRegistryClient Client { get; }
    public TopicSerdes Serdes { get; }

    /// <summary>The <c>SchemaRegistry</c> settings a service host needs to use this registry.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["SchemaRegistry:Url"] = Url.ToString(),
        ["SchemaRegistry:BasicAuthUsername"] = UserName,
        ["SchemaRegistry:BasicAuthPassword"] = Password,
    };

    public static async Task<CatalogSchemaRegistry> StartAsync(params IPayloadTopic[] extraTopics)
    {
        var folder = Path.Combine(Path.GetTempPath(), "streaming-schema-registry-" + Guid.NewGuid().ToString("N"));
        var registry = await EmbeddedSchemaRegistry.StartAsync(new EmbeddedSchemaRegistryOptions { DataPath = folder });
        var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig
        {
            Url = registry.Url.ToString(),
            BasicAuthCredentialsSource = AuthCredentialsSource.UserInfo,
            BasicAuthUserInfo = registry.UserInfo,
        });
        await SchemaRegistration.RegisterAllAsync(client);
        foreach (var topic in extraTopics)
            await SchemaRegistration.RegisterAsync(client, topic);
        return new CatalogSchemaRegistry(registry, folder, client);
    }

    /// <summary>Synchronous start for constructors of test beds (xUnit builds them without awaiting).</summary>
    public static CatalogSchemaRegistry Start(params IPayloadTopic[] extraTopics) => StartAsync(extraTopics).GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _registry.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
