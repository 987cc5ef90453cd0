namespace Streaming.Dispatch.Providers;

/// <summary>
/// A provider's credentials by name (section <c>Dispatch:Credentials:&lt;name&gt;</c>, from configuration or
/// a secret). Channel settings definitions reference them (<c>"credentials": "&lt;name&gt;"</c>) and never hold
/// them; they are never logged.
/// </summary>
public sealed class ProviderCredentials
{
    /// <summary>The whole Authorization header value (e.g. <c>Bearer ...</c>).</summary>
    public string? AuthHeader { get; set; }

    /// <summary>Account / user name (twilio account SID, vonage api_key, SMTP user).</summary>
    public string? Username { get; set; }

    /// <summary>Password / token (twilio auth token, vonage api_secret, SMTP password).</summary>
    public string? Password { get; set; }

    /// <summary>Webhook signing secret (HMAC-SHA256).</summary>
    public string? Secret { get; set; }
}
