namespace Streaming.Tests.Helpers;

/// <summary>Where the integration tests' Kafka, Redis, ClickHouse and Schema Registry come from.</summary>
public enum TestInfraKind
{
    /// <summary>The embedded engines (librdkafka mock cluster, Garnet or redis-server, chDB): the default, no Docker needed.</summary>
    Embedded,

    /// <summary>Real servers in Docker through Testcontainers.</summary>
    Containers,
}

/// <summary>The one switch: <c>STREAMING_TEST_INFRA=containers</c> runs the integration tests on real servers in Docker.</summary>
public static class TestInfra
{
    public const string Variable = "STREAMING_TEST_INFRA";

    /// <summary>What this run uses; a value that is neither kind fails the run, naming the switch.</summary>
    public static TestInfraKind Selected => Parse(Environment.GetEnvironmentVariable(Variable));

    public static TestInfraKind Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "embedded" => TestInfraKind.Embedded,
        "containers" => TestInfraKind.Containers,
        _ => throw new InvalidOperationException($"{Variable}='{value}' is not a test infrastructure: use 'embedded' (the default) or 'containers' (real servers in Docker)."),
    };
}
