namespace Streaming.Embedded.SchemaRegistry;

/// <summary>How to run the embedded Schema Registry.</summary>
public sealed record EmbeddedSchemaRegistryOptions
{
    /// <summary>Folder holding <c>schemas.log</c>; created when missing, kept across restarts (ids and versions survive).</summary>
    public required string DataPath { get; init; }

    /// <summary>TCP port; 0 picks a free one (8081 is the registry's usual port; the standalone host uses 8085).</summary>
    public int Port { get; init; }

    /// <summary>IP address to bind (loopback by default); <c>0.0.0.0</c> binds every interface.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>User name clients send with HTTP basic authentication.</summary>
    public string UserName { get; init; } = "streaming";

    /// <summary>Password clients send; when null a random one is generated at start (<see cref="EmbeddedSchemaRegistry.Password"/>): the endpoint never runs open.</summary>
    public string? Password { get; init; }

    /// <summary>Compatibility level of subjects with none of their own until <c>PUT /config</c> sets another (the registry's default).</summary>
    public CompatibilityLevel DefaultCompatibility { get; init; } = CompatibilityLevel.Backward;
}
