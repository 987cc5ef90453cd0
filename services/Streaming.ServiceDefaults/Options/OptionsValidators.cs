using Microsoft.Extensions.Options;

namespace Streaming.ServiceDefaults.Options;

/// <summary>Start-up validation with messages that name the setting and how to set it.</summary>
internal sealed class KafkaOptionsValidator : SettingsValidator<KafkaOptions>
{
    protected override IEnumerable<string> Failures(KafkaOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
            yield return "Kafka:BootstrapServers is required (env Kafka__BootstrapServers), e.g. 'localhost:9092'.";
        if (options.DeliveryTimeoutMs < 1000)
            yield return "Kafka:DeliveryTimeoutMs must be at least 1000 (milliseconds).";
        if (options.LingerMs is < 0 or > 1000)
            yield return "Kafka:LingerMs must be between 0 and 1000 (milliseconds).";
        if (options.Compression is not ("none" or "gzip" or "snappy" or "lz4" or "zstd"))
            yield return "Kafka:Compression must be one of none, gzip, snappy, lz4, zstd.";
        if (options.TopicReplicationFactor is 0 or < -1 || options.ReplicationFactor is 0 or < -1)
            yield return "Kafka:TopicReplicationFactor must be -1 (the brokers' default) or a number of replicas (1 or more), e.g. 3 (env Kafka__TopicReplicationFactor).";
        if (options.SecurityProtocol is not null && !Enum.TryParse<Confluent.Kafka.SecurityProtocol>(options.SecurityProtocol, true, out _))
            yield return "Kafka:SecurityProtocol must be one of Plaintext, Ssl, SaslPlaintext, SaslSsl.";
        if (options.SaslMechanism is not null && !Enum.TryParse<Confluent.Kafka.SaslMechanism>(options.SaslMechanism, true, out _))
            yield return "Kafka:SaslMechanism must be one of Plain, ScramSha256, ScramSha512, Gssapi, OAuthBearer.";
    }
}

internal sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        if (options.ApiKey.Length > 0 && options.ApiKeyHash.Length > 0)
            return ValidateOptionsResult.Fail("Set Admin:ApiKey or Admin:ApiKeyHash, not both.");
        if (options.ApiKeyHash.Length > 0)
        {
            return System.Text.RegularExpressions.Regex.IsMatch(options.ApiKeyHash, "^sha256:[0-9a-f]{64}$")
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("Admin:ApiKeyHash must be 'sha256:' and 64 lower-case hex digits (SHA-256 of the key's UTF-8 bytes).");
        }

        return options.ApiKey.Length >= 16
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Admin:ApiKey is required and must be at least 16 characters (env Admin__ApiKey, from a secret).");
    }
}

internal sealed class SchemaRegistryOptionsValidator : SettingsValidator<SchemaRegistryOptions>
{
    protected override IEnumerable<string> Failures(SchemaRegistryOptions options)
    {
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            yield return "SchemaRegistry:Url is required (env SchemaRegistry__Url): the Schema Registry's http(s) URL, e.g. 'http://schema-registry:8081'.";
        if (string.IsNullOrEmpty(options.BasicAuthUsername) != string.IsNullOrEmpty(options.BasicAuthPassword))
            yield return "SchemaRegistry:BasicAuthUsername and SchemaRegistry:BasicAuthPassword go together: set both (env SchemaRegistry__BasicAuthUsername, SchemaRegistry__BasicAuthPassword from a secret) or neither.";
    }
}
