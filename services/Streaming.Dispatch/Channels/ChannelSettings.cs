using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Streaming.Dispatch.Providers;
using Streaming.ServiceDefaults;

namespace Streaming.Dispatch.Channels;

/// <summary>One field's problem in a channel settings definition, and the fix.</summary>
public sealed record ChannelSettingsError(string Field, string Message);

/// <summary>
/// A tenant's settings of one channel (definition kind <c>channel</c>, id = the channel): the providers it
/// sends through, tried in the listed order with failover. They replace the instance's configured
/// providers for that tenant and channel. Credentials are referenced by name (<c>Dispatch:Credentials</c>),
/// never held here: a definition with a credential in it is refused.
/// </summary>
public sealed partial record ChannelSettings(List<ChannelProvider> Providers)
{
    public const string Kind = "channel";
    public const int MaxProviders = 10;

    // Fields a provider of a definition may have; credential fields are refused with the fix, anything else as unknown.
    private static readonly HashSet<string> Fields =
    [
        "name", "kind", "url", "preset", "bodyTemplate", "from", "host", "port", "useTls", "maxConnections", "credentials", "sendsPerSecond",
        "maxAttempts", "baseDelay", "maxDelay", "timeout", "breakerFailureRatio", "breakerMinimumThroughput", "breakerBreakDuration",
    ];

    private static readonly HashSet<string> CredentialFields = new(["authHeader", "username", "password", "secret", "apiKey", "apiSecret", "token"], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Reads and validates a definition for <paramref name="channel"/>: every problem names its field
    /// (<c>providers[0].credentials</c>) and says the fix. <paramref name="credentials"/> are the names configured.
    /// </summary>
    public static (ChannelSettings? Settings, IReadOnlyList<ChannelSettingsError> Errors) Parse(
        string channel, string body, IReadOnlyDictionary<string, ProviderCredentials> credentials)
    {
        var errors = new List<ChannelSettingsError>();
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException ex)
        {
            return (null, [new("body", $"not JSON ({ex.Message}); send {{\"providers\": [{{\"name\": \"main\", \"kind\": \"sms-http\", \"url\": \"https://...\", \"credentials\": \"main-sms\"}}]}}")]);
        }
        if (root?["providers"] is not JsonArray list || list.Count == 0)
            return (null, [new("providers", "a non-empty array of providers, tried in order; delete the definition to use the instance's providers")]);
        if (list.Count > MaxProviders)
            return (null, [new("providers", $"{list.Count} providers; at most {MaxProviders}")]);
        foreach (var extra in root.Select(p => p.Key).Where(k => k != "providers"))
            errors.Add(new(extra, "unknown field; a channel definition has only 'providers'"));
        var providers = new List<ChannelProvider>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            var at = $"providers[{i}]";
            if (list[i] is not JsonObject item)
            {
                errors.Add(new(at, "a provider object"));
                continue;
            }
            foreach (var (field, _) in item)
            {
                if (CredentialFields.Contains(field))
                    errors.Add(new($"{at}.{field}", $"credentials are never stored in definitions: put it in configuration or a secret as Dispatch:Credentials:<name>:{Pascal(field)} and reference it with \"credentials\": \"<name>\""));
                else if (!Fields.Contains(field))
                    errors.Add(new($"{at}.{field}", $"unknown field; use {string.Join(", ", Fields)}"));
            }
            ChannelProvider? provider;
            try
            {
                provider = item.Deserialize<ChannelProvider>(StreamingJson.Options);
            }
            catch (JsonException ex)
            {
                errors.Add(new($"{at}{ex.Path?.TrimStart('$')}", $"wrong type ({ex.Message.Split(". ")[0]})"));
                continue;
            }
            if (provider is null)
                continue;
            if (provider.Name is not { } name || !NamePattern().IsMatch(name))
                errors.Add(new($"{at}.name", "1-64 lowercase letters, digits, '-' or '_' (names the provider in logs, metrics and receipts)"));
            else if (!names.Add(name))
                errors.Add(new($"{at}.name", $"'{name}' is named twice"));
            if (ProviderKinds.ChannelOf(provider.Kind ?? "") is { } served && served != channel)
                errors.Add(new($"{at}.kind", $"'{provider.Kind}' delivers {served}, not {channel}; use a kind of channel {channel}: {string.Join(", ", ProviderKinds.All.Where(k => ProviderKinds.ChannelOf(k) == channel))}"));
            ProviderCredentials? found = null;
            if (provider.Credentials is { } reference && !credentials.TryGetValue(reference, out found))
                errors.Add(new($"{at}.credentials", $"'{reference}' is not configured: set Dispatch:Credentials:{reference}:AuthHeader (or Username, Password, Secret) in configuration or a secret"));
            foreach (var problem in ProviderOptionsValidation.Errors(provider.ToOptions(found), field => $"{at}.{Camel(field)}"))
            {
                var field = problem[..problem.IndexOf(' ', StringComparison.Ordinal)];
                // A missing credential (a webhook's secret) is fixed in the credentials, not in the definition.
                if (field.EndsWith(".secret", StringComparison.Ordinal))
                    errors.Add(new($"{at}.credentials", $"a {provider.Kind} provider needs a Secret of at least 16 characters: set Dispatch:Credentials:<name>:Secret and reference it"));
                else
                    errors.Add(new(field, problem[(field.Length + 1)..]));
            }
            providers.Add(provider);
        }
        return errors.Count == 0 ? (new ChannelSettings(providers), []) : (null, errors.DistinctBy(e => (e.Field, e.Message)).ToList());
    }

    private static string Camel(string field) => char.ToLowerInvariant(field[0]) + field[1..];

    private static string Pascal(string field) => char.ToUpperInvariant(field[0]) + field[1..];

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex NamePattern();
}

/// <summary>A provider of a channel settings definition: what it speaks and where, its limits, and the name of its credentials.</summary>
public sealed record ChannelProvider
{
    public string? Name { get; init; }
    public string? Kind { get; init; }
    public string? Url { get; init; }
    public string? Preset { get; init; }
    public string? BodyTemplate { get; init; }
    public string? From { get; init; }
    public string? Host { get; init; }
    public int? Port { get; init; }
    public bool? UseTls { get; init; }
    public int? MaxConnections { get; init; }

    /// <summary>The name of its credentials in configuration (<c>Dispatch:Credentials:&lt;name&gt;</c>).</summary>
    public string? Credentials { get; init; }
    public double? SendsPerSecond { get; init; }
    public int? MaxAttempts { get; init; }
    public TimeSpan? BaseDelay { get; init; }
    public TimeSpan? MaxDelay { get; init; }
    public TimeSpan? Timeout { get; init; }
    public double? BreakerFailureRatio { get; init; }
    public int? BreakerMinimumThroughput { get; init; }
    public TimeSpan? BreakerBreakDuration { get; init; }

    /// <summary>The provider's options: the definition's fields over the defaults, with the referenced credentials.</summary>
    public ProviderOptions ToOptions(ProviderCredentials? credentials)
    {
        var options = new ProviderOptions
        {
            Kind = Kind ?? "",
            Url = Url,
            BodyTemplate = BodyTemplate,
            From = From,
            Host = Host,
            AuthHeader = credentials?.AuthHeader,
            Username = credentials?.Username,
            Password = credentials?.Password,
            Secret = credentials?.Secret,
        };
        options.Preset = Preset ?? options.Preset;
        options.Port = Port ?? options.Port;
        options.UseTls = UseTls ?? options.UseTls;
        options.MaxConnections = MaxConnections ?? options.MaxConnections;
        options.SendsPerSecond = SendsPerSecond ?? options.SendsPerSecond;
        options.MaxAttempts = MaxAttempts ?? options.MaxAttempts;
        options.BaseDelay = BaseDelay ?? options.BaseDelay;
        options.MaxDelay = MaxDelay ?? options.MaxDelay;
        options.Timeout = Timeout ?? options.Timeout;
        options.BreakerFailureRatio = BreakerFailureRatio ?? options.BreakerFailureRatio;
        options.BreakerMinimumThroughput = BreakerMinimumThroughput ?? options.BreakerMinimumThroughput;
        options.BreakerBreakDuration = BreakerBreakDuration ?? options.BreakerBreakDuration;
        return options;
    }
}
