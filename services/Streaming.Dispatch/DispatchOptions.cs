using Streaming.Dispatch.Providers;

namespace Streaming.Dispatch;

/// <summary>Dispatch service settings (section <c>Dispatch</c>; env <c>Dispatch__*</c>).</summary>
public sealed class DispatchOptions
{
    public const string Section = "Dispatch";

    /// <summary>Consumer group of the dispatchers.</summary>
    public string GroupId { get; set; } = "dispatch";

    /// <summary>The channels this instance consumes (<c>dispatch.&lt;channel&gt;</c>); empty means every channel of the catalog.</summary>
    public List<string> Channels { get; set; } = [];

    /// <summary>
    /// The providers by name (credentials live here, in configuration or a secret, never in definitions).
    /// Each channel tries its providers in <see cref="ProviderOptions.Priority"/> order and fails over to the next.
    /// </summary>
    public Dictionary<string, ProviderOptions> Providers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Credentials by name, for the providers of channel settings definitions (which reference them by
    /// name and never hold them): <c>Dispatch:Credentials:&lt;name&gt;:AuthHeader|Username|Password|Secret</c>.
    /// </summary>
    public Dictionary<string, ProviderCredentials> Credentials { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The contact vault's AES-256 key, base64 of 32 bytes (env <c>Dispatch__VaultKey</c>, from a secret).</summary>
    public string? VaultKey { get; set; }

    /// <summary>The key tracked links are signed with (at least 32 characters; the gateway verifies with the same key).</summary>
    public string? TrackingKey { get; set; }

    /// <summary>Public base URL of the gateway, where <c>/m/o/{token}</c>, <c>/m/c/{token}</c> and <c>/m/u/{token}</c> are served.</summary>
    public string TrackingBaseUrl { get; set; } = "http://127.0.0.1:8080";

    /// <summary>Providers tried for one request, at most (failover stops there with a <c>failed</c> receipt).</summary>
    public int MaxProvidersPerRequest { get; set; } = 3;

    /// <summary>Trait a person needs (true) to be sent marketing on a channel, e.g. <c>consent_sms</c>; empty disables the check.</summary>
    public string ConsentTraitPrefix { get; set; } = "consent_";

    /// <summary>Whether a person without the consent trait is suppressed (true) or only one with it set to false (false).</summary>
    public bool RequireConsent { get; set; }
}
