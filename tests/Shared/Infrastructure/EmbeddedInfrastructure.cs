using Streaming.Embedded.ClickHouse;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.SchemaRegistry;

namespace Streaming.Tests.Shared;

/// <summary>The embedded engines, in this process or as child processes: what every run uses without the switch.</summary>
public sealed class EmbeddedInfrastructure : ITestInfrastructure
{
    private readonly string dataPath = Path.Combine(Path.GetTempPath(), "streaming-test-infra-" + Guid.NewGuid().ToString("N"));
    private EmbeddedKafka? kafka;
    private TestRedis? redis;
    private EmbeddedClickHouse? clickHouse;
    private EmbeddedSchemaRegistry? schemaRegistry;

    private EmbeddedInfrastructure()
    {
    }

    public TestInfraKind Kind => TestInfraKind.Embedded;

    public string KafkaBootstrapServers => kafka?.BootstrapServers ?? throw NotStarted(TestServers.Kafka);

    public string RedisConnectionString => redis?.ClientConfiguration ?? throw NotStarted(TestServers.Redis);

    public string ClickHouseConnectionString => clickHouse?.ConnectionString ?? throw NotStarted(TestServers.ClickHouse);

    public string SchemaRegistryUrl => schemaRegistry?.Url.ToString() ?? throw NotStarted(TestServers.SchemaRegistry);

    /// <summary><c>user:password</c> of the embedded registry (Confluent's <c>basic.auth.user.info</c>).</summary>
    public string? SchemaRegistryUserInfo => schemaRegistry?.UserInfo;

    public static async Task<ITestInfrastructure> StartAsync(TestServers servers, CancellationToken cancellationToken = default)
    {
        var infrastructure = new EmbeddedInfrastructure();
        try
        {
            if (servers.HasFlag(TestServers.Kafka))
                infrastructure.kafka = EmbeddedKafka.Start(1, []);
            if (servers.HasFlag(TestServers.Redis))
                infrastructure.redis = await TestRedis.StartAsync(cancellationToken);
            if (servers.HasFlag(TestServers.ClickHouse))
                infrastructure.clickHouse = await EmbeddedClickHouse.StartAsync(new EmbeddedClickHouseOptions { DataPath = infrastructure.dataPath }, cancellationToken);
            if (servers.HasFlag(TestServers.SchemaRegistry))
            {
                infrastructure.schemaRegistry = await EmbeddedSchemaRegistry.StartAsync(
                    new EmbeddedSchemaRegistryOptions { DataPath = Path.Combine(infrastructure.dataPath, "schema-registry") }, cancellationToken);
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
        var cluster = kafka ?? throw NotStarted(TestServers.Kafka);
        foreach (var (topic, partitions) in topics)
            cluster.CreateTopic(topic, partitions);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (schemaRegistry is not null)
            await schemaRegistry.DisposeAsync();
        kafka?.Dispose();
        redis?.Dispose();
        if (clickHouse is not null)
            await clickHouse.DisposeAsync();
        try
        {
            if (Directory.Exists(dataPath))
                Directory.Delete(dataPath, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp folder
        }
    }

    private static InvalidOperationException NotStarted(TestServers server) =>
        new($"{server} was not asked for: pass TestServers.{server} to TestInfrastructure.StartAsync.");
}
