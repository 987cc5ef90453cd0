namespace Streaming.ServiceDefaults.Options;

/// <summary>Kafka connection (section <c>Kafka</c>; env <c>Kafka__BootstrapServers</c>, ...).</summary>
public sealed class KafkaOptions
{
    public const string Section = "Kafka";

    public string BootstrapServers { get; set; } = "";
    /// <summary>Plaintext, Ssl, SaslPlaintext or SaslSsl.</summary>
    public string? SecurityProtocol { get; set; }
    /// <summary>Plain, ScramSha256, ScramSha512.</summary>
    public string? SaslMechanism { get; set; }
    public string? SaslUsername { get; set; }
    public string? SaslPassword { get; set; }
    /// <summary>How long the producer keeps trying to deliver before reporting failure.</summary>
    public int DeliveryTimeoutMs { get; set; } = 30_000;
    /// <summary>How long the producer waits to fill a batch; higher means fewer, larger requests.</summary>
    public int LingerMs { get; set; } = 5;
    public string Compression { get; set; } = "lz4";
    /// <summary>
    /// Replicas of each topic the <c>create-topics</c> job creates; -1 takes the brokers' default
    /// (env <c>Kafka__TopicReplicationFactor</c>, which the Helm chart sets from <c>kafka.topicReplicationFactor</c>).
    /// </summary>
    public short TopicReplicationFactor { get; set; } = -1;

    /// <summary>The spelling the job read before (<c>Kafka:ReplicationFactor</c>), used when <see cref="TopicReplicationFactor"/> is not set.</summary>
    public short? ReplicationFactor { get; set; }

    /// <summary>What <c>create-topics</c> asks for.</summary>
    public short TopicReplicas => TopicReplicationFactor != -1 ? TopicReplicationFactor : ReplicationFactor ?? -1;
}

/// <summary>Redis connection (section <c>Redis</c>; env <c>Redis__Configuration</c>).</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>StackExchange.Redis configuration string; empty when the service needs no Redis.</summary>
    public string? Configuration { get; set; }
}

/// <summary>ClickHouse connection (section <c>ClickHouse</c>; env <c>ClickHouse__ConnectionString</c>).</summary>
public sealed class ClickHouseOptions
{
    public const string Section = "ClickHouse";

    /// <summary>ClickHouse.Driver connection string (HTTP interface); empty when the service needs no ClickHouse.</summary>
    public string? ConnectionString { get; set; }
}

/// <summary>Admin API credentials (section <c>Admin</c>; env <c>Admin__ApiKey</c>).</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>Bootstrap key for every <c>/api/*</c> endpoint, every tenant, role admin. Never logged.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>
    /// The bootstrap key as <c>sha256:&lt;hex&gt;</c>, instead of <see cref="ApiKey"/>, for hosts that only
    /// verify it (the standalone host keeps only the hash).
    /// </summary>
    public string ApiKeyHash { get; set; } = "";
}
