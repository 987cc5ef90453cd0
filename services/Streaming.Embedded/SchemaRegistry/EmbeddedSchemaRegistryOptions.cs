using Streaming.Embedded.Hosting;

namespace Streaming.Embedded.SchemaRegistry;

/// <summary>
/// How to run the embedded Schema Registry: a data folder holding <c>schemas.log</c> (ids and versions survive a restart),
/// a port (0 picks a free one; 8081 is the registry's usual port, the standalone host uses 8085) and the password clients
/// send, generated at start when null (<see cref="EmbeddedSchemaRegistry.Password"/>).
/// </summary>
public sealed record EmbeddedSchemaRegistryOptions : EmbeddedServerOptions
{
    /// <summary>IP address to bind (loopback by default); <c>0.0.0.0</c> binds every interface.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>User name clients send with HTTP basic authentication.</summary>
    public string UserName { get; init; } = "streaming";

    /// <summary>Compatibility level of subjects with none of their own until <c>PUT /config</c> sets another (the registry's default).</summary>
    public CompatibilityLevel DefaultCompatibility { get; init; } = CompatibilityLevel.Backward;

    internal override void Validate()
    {
        base.Validate();
        if (string.IsNullOrWhiteSpace(UserName) || UserName.Contains(':', StringComparison.Ordinal))
            throw Invalid("UserName must be non-empty and have no ':' (HTTP basic authentication splits on it).");
    }
}
