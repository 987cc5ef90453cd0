using Streaming.Embedded.ClickHouse;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.SchemaRegistry;

namespace Streaming.Tests.Helpers;

/// <summary>The embedded engines, in this process or as child processes: what every run uses without the switch.</summary>
public sealed class EmbeddedInfrastructure : ITestInfrastructure
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "streaming-test-infra-" + Guid.NewGuid().ToString("N"));
    private EmbeddedKafka? _kafka;
    private TestRedis? _redis;
    private EmbeddedClickHouse? _clickHouse;
    private EmbeddedSchemaRegistry? _schemaRegistry;

    private EmbeddedInfrastructure()
    {
    }

    public TestInfraKind Kind => TestInfraKind.Embedded;

    public string KafkaBootstrapServers => _kafka?.BootstrapServers ?? throw NotStarted(TestServers.Kafka);

    public string RedisConnectionString => _redis?.ClientConfiguration ?? throw NotStarted(TestServers.Redis);

    public string ClickHouseConnectionString => _clickHouse?.ConnectionString ?? throw NotStarted(TestServers.ClickHouse);

    public string SchemaRegistryUrl => _schemaRegistry?.Url.ToString() ?? throw NotStarted(TestServers.SchemaRegistry);

    /// <summary><c>user:password</c> of the embedded registry (Confluent's <c>basic.auth.user.info</c>).</summary>
    public string? SchemaRegistryUserInfo => _schemaRegistry?.UserInfo;

    public static async Task<ITestInfrastructure> StartAsync(TestServers servers, CancellationToken cancellationToken = default)
    {
        var infrastructure = new EmbeddedInfrastructure();
        try
        {
            if (servers.HasFlag(TestServers.Kafka))
                infrastructure._kafka = EmbeddedKafka.Start(1, []);
            if (servers.HasFlag(TestServers.Redis))
                infrastructure._redis = await TestRedis.StartAsync(cancellationToken);
            if (servers.HasFlag(TestServers.ClickHouse))
                infrastructure._clickHouse = await EmbeddedClickHouse.StartAsync(new EmbeddedClickHouseOptions { DataPath = infrastructure._dataPath }, cancellationToken);
            if (servers.HasFlag(TestServers.SchemaRegistry))
            {
                infrastructure._schemaRegistry = await EmbeddedSchemaRegistry.StartAsync(
                    new EmbeddedSchemaRegistryOptions { DataPath = Path.Combine(infrastructure._dataPath, "schema-registry") }, cancellationToken);
            }
            return infrastructure;
        }
        catch
        {
            await infrastructure.DisposeAsync();
            throw;
        }
    }

    public Task CreateTopicsAsync(IEnumerable<(string Topic, int Partitions)> topics, CancellationToken cancellationToken = default)
    {
        var cluster = _kafka ?? throw NotStarted(TestServers.Kafka);
        foreach (var (topic, partitions) in topics)
            cluster.CreateTopic(topic, partitions);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_schemaRegistry is not null)
            await _schemaRegistry.DisposeAsync();
        _kafka?.Dispose();
        _redis?.Dispose();
        if (_clickHouse is not null)
            await _clickHouse.DisposeAsync();
        try
        {
            if (Directory.Exists(_dataPath))
                Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp folder
        }
    }

    private static InvalidOperationException NotStarted(TestServers server) =>
        new($"{server} was not asked for: pass TestServers.{server} to TestInfrastructure.StartAsync.");
}
