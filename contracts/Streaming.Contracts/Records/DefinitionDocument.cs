namespace Streaming.Contracts.Records;

public static class DefinitionKind
{
    public const string Source = "source";
    public const string Tag = "tag";
    public const string Journey = "journey";
    public const string Channel = "channel";
    public const string Model = "model";
    public const string IdentityRules = "identity-rules";
    public const string ApiKey = "api-key";
}

/// <summary>A definition document on the compacted topic <c>config.definitions</c>, keyed tenant/kind/id.</summary>
public sealed record DefinitionDocument
{
    public required string Tenant { get; init; }
    public required string Kind { get; init; }
    public required string Id { get; init; }
    public long Version { get; init; }
    /// <summary>JSON document, validated by the admin API before it is written.</summary>
    public required string Body { get; init; }
    public bool Deleted { get; init; }
    public long UpdatedAt { get; init; }
    public string? UpdatedBy { get; init; }

    public string Key => KeyOf(Tenant, Kind, Id);

    public static string KeyOf(string tenant, string kind, string id) => $"{tenant}/{kind}/{id}";
}
