using System.Security.Cryptography;

namespace Streaming.Embedded.Hosting;

/// <summary>What every embedded HTTP server (ClickHouse, Schema Registry) is given: a data folder, a port and a password.</summary>
public abstract record EmbeddedServerOptions
{
    /// <summary>Folder holding the data; created when missing, kept across restarts.</summary>
    public required string DataPath { get; init; }

    /// <summary>TCP port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// Password of the server's user; when null a random one is generated at start (the server's <c>Password</c>):
    /// the endpoint never runs open.
    /// </summary>
    public string? Password { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the setting (<c>&lt;options type&gt;.&lt;property&gt;</c>) that is wrong.</summary>
    internal virtual void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataPath))
            throw Invalid("DataPath must name a folder.");
        if (Port is < 0 or > 65535)
            throw Invalid($"Port must be 0 (a free port) to 65535, got {Port}.");
        if (Password is { Length: 0 })
            throw Invalid("Password must not be empty: leave it null to generate one.");
    }

    /// <summary>The error for a wrong setting of these options, prefixed with their type's name.</summary>
    private protected ArgumentException Invalid(string problem) => new($"{GetType().Name}.{problem}");

    /// <summary>The configured password, or a new random one.</summary>
    internal string PasswordOrGenerated() => Password ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
