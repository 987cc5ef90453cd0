namespace Streaming.Tests.Helpers;

/// <summary>Which servers a test needs started; the others are left alone.</summary>
[Flags]
public enum TestServers
{
    None = 0,
    Kafka = 1,
    Redis = 2,
    ClickHouse = 4,
    SchemaRegistry = 8 | Kafka,
}

/// <summary>
/// The servers one test or fixture runs against, the same whatever <see cref="TestInfra.Selected"/>
/// is: addresses to give the clients, and nothing engine-specific. Disposing stops what it started.
/// </summary>
public interface ITestInfrastructure : IAsyncDisposable
{
    TestInfraKind Kind { get; }

    /// <summary>Kafka bootstrap servers (host:port).</summary>
    string KafkaBootstrapServers { get; }

    /// <summary>StackExchange.Redis configuration string.</summary>
    string RedisConnectionString { get; }

    /// <summary>ClickHouse.Driver connection string (HTTP interface).</summary>
    string ClickHouseConnectionString { get; }

    /// <summary>Base URL of a Confluent-compatible Schema Registry (for <c>CachedSchemaRegistryClient</c>).</summary>
    string SchemaRegistryUrl { get; }

    /// <summary><c>user:password</c> for the registry, or null when it needs none (the containers' one).</summary>
    string? SchemaRegistryUserInfo => null;

    /// <summary>Creates topics (name, partitions) on the Kafka it started.</summary>
    Task CreateTopicsAsync(IEnumerable<(string Topic, int Partitions)> topics, CancellationToken cancellationToken = default);
}
