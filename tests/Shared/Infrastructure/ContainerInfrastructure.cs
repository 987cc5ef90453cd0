using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Docker.DotNet;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Networks;
using Testcontainers.Kafka;
using Testcontainers.Redis;

namespace Streaming.Tests.Helpers;

/// <summary>
/// Real servers in Docker through Testcontainers: Kafka and Redis with their modules, ClickHouse
/// and Confluent's Schema Registry as generic containers on one network with Kafka. Selected by
/// <c>STREAMING_TEST_INFRA=containers</c>; without Docker the start fails at once, saying so.
/// </summary>
public sealed class ContainerInfrastructure : ITestInfrastructure
{
    // Images are pinned so a run is repeatable; bump them together with docker-compose.yml.
    public const string KafkaImage = "confluentinc/cp-kafka:7.9.0";
    public const string RedisImage = "redis:7.4-alpine";
    public const string ClickHouseImage = "clickhouse/clickhouse-server:25.8-alpine";
    public const string SchemaRegistryImage = "confluentinc/cp-schema-registry:7.9.0";

    private const string KafkaAlias = "kafka";
    private const ushort ClickHouseHttpPort = 8123;
    private const ushort SchemaRegistryPort = 8081;
    private const string ClickHousePassword = "streaming-tests";

    private readonly List<IAsyncDisposable> _started = [];
    private KafkaContainer? _kafka;
    private RedisContainer? _redis;
    private IContainer? _clickHouse;
    private IContainer? _schemaRegistry;

    private ContainerInfrastructure()
    {
    }

    public TestInfraKind Kind => TestInfraKind.Containers;

    public string KafkaBootstrapServers => _kafka?.GetBootstrapAddress() ?? throw NotStarted(TestServers.Kafka);

    public string RedisConnectionString => (_redis?.GetConnectionString() ?? throw NotStarted(TestServers.Redis)) + ",syncTimeout=60000,asyncTimeout=60000";

    public string ClickHouseConnectionString => _clickHouse is { } server
        ? string.Create(CultureInfo.InvariantCulture, $"Host={server.Hostname};Port={server.GetMappedPublicPort(ClickHouseHttpPort)};Database=default;Username=default;Password={ClickHousePassword};UseFormDataParameters=true")
        : throw NotStarted(TestServers.ClickHouse);

    public string SchemaRegistryUrl => _schemaRegistry is { } registry
        ? string.Create(CultureInfo.InvariantCulture, $"http://{registry.Hostname}:{registry.GetMappedPublicPort(SchemaRegistryPort)}")
        : throw NotStarted(TestServers.SchemaRegistry);

    /// <param name="dockerEndpoint">Docker to use; null finds it as the Docker CLI does (DOCKER_HOST, the local socket).</param>
    public static async Task<ITestInfrastructure> StartAsync(TestServers servers, Uri? dockerEndpoint, CancellationToken cancellationToken = default)
    {
        var endpoint = await RequireDockerAsync(dockerEndpoint, cancellationToken);
        var infrastructure = new ContainerInfrastructure();
        try
        {
            INetwork? network = null;
            if (servers.HasFlag(TestServers.Kafka))
            {
                network = new NetworkBuilder().WithDockerEndpoint(endpoint).Build();
                infrastructure._started.Add(network);
                await network.CreateAsync(cancellationToken);
                infrastructure._kafka = new KafkaBuilder(KafkaImage).WithDockerEndpoint(endpoint)
                    .WithNetwork(network).WithListener($"{KafkaAlias}:19092").Build();
                await infrastructure.StartAsync(infrastructure._kafka, cancellationToken);
            }
            if (servers.HasFlag(TestServers.Redis))
            {
                infrastructure._redis = new RedisBuilder(RedisImage).WithDockerEndpoint(endpoint).Build();
                await infrastructure.StartAsync(infrastructure._redis, cancellationToken);
            }
            if (servers.HasFlag(TestServers.ClickHouse))
            {
                infrastructure._clickHouse = new ContainerBuilder(ClickHouseImage).WithDockerEndpoint(endpoint)
                    .WithPortBinding(ClickHouseHttpPort, assignRandomHostPort: true)
                    .WithEnvironment("CLICKHOUSE_USER", "default")
                    .WithEnvironment("CLICKHOUSE_PASSWORD", ClickHousePassword)
                    .WithEnvironment("CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT", "1")
                    .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPort(ClickHouseHttpPort).ForPath("/ping")))
                    .Build();
                await infrastructure.StartAsync(infrastructure._clickHouse, cancellationToken);
            }
            if (servers.HasFlag(TestServers.SchemaRegistry))
            {
                infrastructure._schemaRegistry = new ContainerBuilder(SchemaRegistryImage).WithDockerEndpoint(endpoint)
                    .WithNetwork(network)
                    .WithPortBinding(SchemaRegistryPort, assignRandomHostPort: true)
                    .WithEnvironment("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                    .WithEnvironment("SCHEMA_REGISTRY_LISTENERS", $"http://0.0.0.0:{SchemaRegistryPort}")
                    .WithEnvironment("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", $"PLAINTEXT://{KafkaAlias}:19092")
                    .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPort(SchemaRegistryPort).ForPath("/subjects")))
                    .Build();
                await infrastructure.StartAsync(infrastructure._schemaRegistry, cancellationToken);
            }
            return infrastructure;
        }
        catch
        {
            await infrastructure.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Finds Docker and asks it for a ping, so a machine without Docker fails the run at once with
    /// what to do, instead of each test timing out on a container that never starts.
    /// </summary>
    public static async Task<Uri> RequireDockerAsync(Uri? dockerEndpoint, CancellationToken cancellationToken = default)
    {
        var endpoint = dockerEndpoint;
        Exception? cause = null;
        if (endpoint is null)
        {
            try
            {
                endpoint = TestcontainersSettings.OS.DockerEndpointAuthConfig?.Endpoint;
            }
            catch (Exception ex) when (ex is DockerUnavailableException or InvalidOperationException or ArgumentException)
            {
                cause = ex;
            }
        }
        if (endpoint is not null)
        {
            try
            {
                using var client = new DockerClientBuilder().WithEndpoint(endpoint).WithTimeout(TimeSpan.FromSeconds(10)).Build();
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                await client.System.PingAsync(timeout.Token);
                return endpoint;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                cause = ex;
            }
        }
        throw new TestInfrastructureUnavailableException(
            $"{TestInfra.Variable}=containers runs the integration tests on real servers in Docker, but no Docker answers "
            + (endpoint is null ? "(no DOCKER_HOST, no local Docker socket)" : $"at {endpoint}")
            + (cause is null ? "" : $": {cause.Message}")
            + $". Start Docker, or unset {TestInfra.Variable} to run on the embedded engines.", cause);
    }

    public async Task CreateTopicsAsync(IEnumerable<(string Topic, int Partitions)> topics, CancellationToken cancellationToken = default)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = KafkaBootstrapServers }).Build();
        var specifications = topics.Select(t => new TopicSpecification { Name = t.Topic, NumPartitions = t.Partitions, ReplicationFactor = 1 }).ToList();
        if (specifications.Count == 0)
            return;
        try
        {
            await admin.CreateTopicsAsync(specifications);
        }
        catch (CreateTopicsException ex) when (ex.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Asked twice: the topics are there, which is what was wanted.
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _started.Count - 1; i >= 0; i--)
            await _started[i].DisposeAsync();
        _started.Clear();
    }

    private async Task StartAsync(IContainer container, CancellationToken cancellationToken)
    {
        _started.Add(container);
        await container.StartAsync(cancellationToken);
    }

    private static InvalidOperationException NotStarted(TestServers server) =>
        new($"{server} was not asked for: pass TestServers.{server} to TestInfrastructure.StartAsync.");
}
