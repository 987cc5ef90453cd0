using Streaming.Embedded.Hosting;

namespace Streaming.Embedded.SchemaRegistry;

/// <summary>
/// A Confluent-compatible Schema Registry in the process: the REST API Confluent's clients and Avro serdes use
/// (<c>CachedSchemaRegistryClient</c>, Kafka Connect, ksqlDB, ClickHouse's <c>AvroConfluent</c> format), Avro schemas
/// only, kept in an append-only log in the data folder, behind HTTP basic authentication.
/// </summary>
/// <example>
/// <code>
/// await using var registry = await EmbeddedSchemaRegistry.StartAsync(new() { DataPath = ".streaming/schema-registry" });
/// using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url.ToString(), BasicAuthUserInfo = registry.UserInfo });
/// </code>
/// </example>
public sealed class EmbeddedSchemaRegistry : IAsyncDisposable
{
    private readonly EmbeddedHttpServer _server;
    private readonly SchemaStore _store;

    private EmbeddedSchemaRegistry(EmbeddedHttpServer server, SchemaStore store, string userName, string password)
    {
        _server = server;
        _store = store;
        UserName = userName;
        Password = password;
    }

    /// <summary>Where clients connect, e.g. <c>http://127.0.0.1:8085/</c>.</summary>
    public Uri Url => _server.Url;

    public int Port => _server.Port;

    public string UserName { get; }

    /// <summary>The configured password, or the one generated at start.</summary>
    public string Password { get; }

    /// <summary><c>user:password</c>, the value of Confluent's <c>basic.auth.user.info</c> setting.</summary>
    public string UserInfo => UserName + ":" + Password;

    /// <summary>The file the registry appends its changes to.</summary>
    public string LogPath => _store.LogPath;

    public static async Task<EmbeddedSchemaRegistry> StartAsync(EmbeddedSchemaRegistryOptions options, CancellationToken cancellationToken = default)
    {
        var address = ListenAddress.Parse(options.Host, "EmbeddedSchemaRegistryOptions.Host");
        options.Validate();
        var password = options.PasswordOrGenerated();
        var store = SchemaStore.Open(options.DataPath, options.DefaultCompatibility);
        try
        {
            var endpoint = new SchemaRegistryEndpoint(store, options.UserName, password);
            var server = await EmbeddedHttpServer.StartAsync(typeof(EmbeddedSchemaRegistry).FullName!, address, options.Port, endpoint.HandleAsync, limits =>
            {
                limits.MaxRequestBodySize = SchemaRegistryEndpoint.MaxRequestBytes;
                limits.MaxRequestLineSize = 16 << 10;
                limits.MaxRequestHeadersTotalSize = 64 << 10;
            }, [store], cancellationToken);
            return new EmbeddedSchemaRegistry(server, store, options.UserName, password);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Stops answering, waits for requests in flight and closes the log.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _server.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
