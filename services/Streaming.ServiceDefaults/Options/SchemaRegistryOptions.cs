using Confluent.SchemaRegistry;

namespace Streaming.ServiceDefaults.Options;

/// <summary>
/// The Confluent Schema Registry every topic's payload schemas live in (section <c>SchemaRegistry</c>;
/// env <c>SchemaRegistry__Url</c>, <c>SchemaRegistry__BasicAuthUsername</c>, <c>SchemaRegistry__BasicAuthPassword</c>).
/// </summary>
public sealed class SchemaRegistryOptions
{
    public const string Section = "SchemaRegistry";

    /// <summary>Base URL of the registry's REST API, e.g. <c>http://schema-registry:8081</c>.</summary>
    public string Url { get; set; } = "";

    /// <summary>HTTP basic auth user; empty for a registry without authentication.</summary>
    public string? BasicAuthUsername { get; set; }

    /// <summary>HTTP basic auth password (from a secret). Never logged.</summary>
    public string? BasicAuthPassword { get; set; }

    /// <summary>The Confluent client configuration for these options.</summary>
    public SchemaRegistryConfig ClientConfig()
    {
        var config = new SchemaRegistryConfig { Url = Url, RequestTimeoutMs = 30_000 };
        if (!string.IsNullOrEmpty(BasicAuthUsername))
        {
            config.BasicAuthCredentialsSource = AuthCredentialsSource.UserInfo;
            config.BasicAuthUserInfo = $"{BasicAuthUsername}:{BasicAuthPassword}";
        }
        return config;
    }
}
