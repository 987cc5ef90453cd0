using Microsoft.Extensions.Options;
using Streaming.Contracts.Topics;
using Streaming.Dispatch.Providers;
using Streaming.ServiceDefaults.Messaging;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Dispatch;

internal sealed class DispatchOptionsValidator(IOptions<RedisOptions> redis) : SettingsValidator<DispatchOptions>
{
    protected override IEnumerable<string> Failures(DispatchOptions options)
    {
        if (RedisRequired(redis, "Dispatch records every send attempt") is { } missing)
            yield return missing;
        if (string.IsNullOrWhiteSpace(options.GroupId))
            yield return "Dispatch:GroupId must not be empty: leave it unset for 'dispatch', or name the consumer group (env Dispatch__GroupId).";
        foreach (var channel in options.Channels.Where(c => !TopicCatalog.Channels.Contains(c)))
            yield return $"Dispatch:Channels has '{channel}'; known channels are {string.Join(", ", TopicCatalog.Channels)}.";
        if (options.VaultKey is { } vaultKey && !ContactSeal.IsKey(vaultKey))
            yield return "Dispatch:VaultKey must be base64 of 32 random bytes (e.g. `openssl rand -base64 32`), kept in a secret (env Dispatch__VaultKey).";
        if (options.TrackingKey is { Length: < 32 })
            yield return "Dispatch:TrackingKey must be at least 32 characters (the gateway verifies tracked links with the same key).";
        if (!Uri.TryCreate(options.TrackingBaseUrl, UriKind.Absolute, out _))
            yield return $"Dispatch:TrackingBaseUrl '{options.TrackingBaseUrl}' is not an absolute URL; set the gateway's public address, e.g. https://t.example.com.";
        if (options.MaxProvidersPerRequest is < 1 or > 10)
            yield return $"Dispatch:MaxProvidersPerRequest is {options.MaxProvidersPerRequest}; use 1 to 10.";
        foreach (var failure in options.Providers.SelectMany(p => ProviderOptionsValidation.Errors($"Dispatch:Providers:{p.Key}", p.Value)))
            yield return failure;
    }
}
