using Microsoft.Extensions.Options;
using Streaming.Contracts.Topics;
using Streaming.Dispatch.Providers;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Dispatch;

internal sealed class DispatchOptionsValidator(IOptions<RedisOptions> redis) : IValidateOptions<DispatchOptions>
{
    public ValidateOptionsResult Validate(string? name, DispatchOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(redis.Value.Configuration))
            failures.Add("Dispatch records every send attempt in Redis: set Redis:Configuration (env Redis__Configuration), e.g. 'localhost:6379'.");
        if (string.IsNullOrWhiteSpace(options.GroupId))
            failures.Add("Dispatch:GroupId must not be empty: leave it unset for 'dispatch', or name the consumer group (env Dispatch__GroupId).");
        foreach (var channel in options.Channels.Where(c => !TopicCatalog.Channels.Contains(c)))
            failures.Add($"Dispatch:Channels has '{channel}'; known channels are {string.Join(", ", TopicCatalog.Channels)}.");
        if (options.VaultKey is { } vaultKey && !IsKey(vaultKey))
            failures.Add("Dispatch:VaultKey must be base64 of 32 random bytes (e.g. `openssl rand -base64 32`), kept in a secret (env Dispatch__VaultKey).");
        if (options.TrackingKey is { Length: < 32 })
            failures.Add("Dispatch:TrackingKey must be at least 32 characters (the gateway verifies tracked links with the same key).");
        if (!Uri.TryCreate(options.TrackingBaseUrl, UriKind.Absolute, out _))
            failures.Add($"Dispatch:TrackingBaseUrl '{options.TrackingBaseUrl}' is not an absolute URL; set the gateway's public address, e.g. https://t.example.com.");
        if (options.MaxProvidersPerRequest is < 1 or > 10)
            failures.Add($"Dispatch:MaxProvidersPerRequest is {options.MaxProvidersPerRequest}; use 1 to 10.");
        foreach (var (providerName, provider) in options.Providers)
            failures.AddRange(ProviderOptionsValidation.Errors($"Dispatch:Providers:{providerName}", provider));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsKey(string text)
    {
        var bytes = new byte[64];
        return Convert.TryFromBase64String(text, bytes, out var written) && written == 32;
    }
}
