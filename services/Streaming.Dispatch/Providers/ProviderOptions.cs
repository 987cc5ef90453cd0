namespace Streaming.Dispatch.Providers;

/// <summary>
/// One provider of one channel (section <c>Dispatch:Providers:&lt;name&gt;</c>). Credentials
/// (<see cref="AuthHeader"/>, <see cref="Password"/>, <see cref="Secret"/>) come from configuration or a
/// secret, never from a definition, and are never logged.
/// </summary>
public sealed class ProviderOptions
{
    /// <summary>What the provider speaks: <c>sms-http</c>, <c>push-fcm</c>, <c>push-http</c>, <c>webhook</c>, <c>email-smtp</c>, <c>wechat</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>Lower first: a channel's providers are tried in this order (failover).</summary>
    public int Priority { get; set; }

    /// <summary>The provider's endpoint (HTTP kinds), e.g. https://api.example.com/sms.</summary>
    public string? Url { get; set; }

    /// <summary>
    /// For <c>sms-http</c>: the request shape, <c>generic</c> (JSON from <see cref="BodyTemplate"/>),
    /// <c>twilio</c> (form To/From/Body, basic auth) or <c>vonage</c> (JSON from/to/text with api_key/api_secret).
    /// </summary>
    public string Preset { get; set; } = "generic";

    /// <summary>For generic HTTP providers: the JSON body, in Liquid over <c>to</c>, <c>text</c>, <c>title</c>, <c>request_id</c>, <c>from</c>.</summary>
    public string? BodyTemplate { get; set; }

    /// <summary>The whole Authorization header value (e.g. <c>Bearer ...</c>); a credential.</summary>
    public string? AuthHeader { get; set; }

    /// <summary>Account / user name (twilio account SID, vonage api_key, SMTP user).</summary>
    public string? Username { get; set; }

    /// <summary>Password / token (twilio auth token, vonage api_secret, SMTP password); a credential.</summary>
    public string? Password { get; set; }

    /// <summary>Sender: phone number, e-mail address (<c>Name &lt;addr&gt;</c>) or WeChat app id.</summary>
    public string? From { get; set; }

    /// <summary>Webhook signing secret (HMAC-SHA256), and the secret delivery callbacks of this provider are verified with.</summary>
    public string? Secret { get; set; }

    /// <summary>SMTP server host and port (<c>email-smtp</c>).</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>SMTP: STARTTLS when the server offers it (true), or plain (false, local test servers only).</summary>
    public bool UseTls { get; set; } = true;

    /// <summary>SMTP: open connections kept for reuse between messages (more are opened while sends wait for none).</summary>
    public int MaxConnections { get; set; } = 64;

    /// <summary>The provider's sends per second; sends wait for their turn rather than exceed it.</summary>
    public double SendsPerSecond { get; set; } = 100;

    /// <summary>Attempts at this provider (first try included) before failing over.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>First retry delay; doubles per attempt with jitter, unless the provider says <c>Retry-After</c>.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest wait between attempts, a provider's <c>Retry-After</c> included (longer: fail over instead).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one attempt may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Failed attempts (share of at least <see cref="BreakerMinimumThroughput"/> in 30 s) that open the circuit.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    public int BreakerMinimumThroughput { get; set; } = 10;

    /// <summary>How long an open circuit sends nothing to this provider (its channel fails over meanwhile).</summary>
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The channel this kind delivers.</summary>
    public string Channel => ProviderKinds.ChannelOf(Kind) ?? "";
}

/// <summary>The provider kinds and the channel each serves.</summary>
public static class ProviderKinds
{
    public const string SmsHttp = "sms-http";
    public const string PushFcm = "push-fcm";
    public const string PushHttp = "push-http";
    public const string Webhook = "webhook";
    public const string EmailSmtp = "email-smtp";
    public const string WeChat = "wechat";

    public static readonly IReadOnlyList<string> All = [SmsHttp, PushFcm, PushHttp, Webhook, EmailSmtp, WeChat];

    public static string? ChannelOf(string kind) => kind switch
    {
        SmsHttp => "sms",
        PushFcm or PushHttp => "push",
        Webhook => "webhook",
        EmailSmtp => "email",
        WeChat => "wechat",
        _ => null,
    };
}

internal static class ProviderOptionsValidation
{
    /// <summary>The problems of a configured provider, each naming its setting (<c>Dispatch:Providers:x:Url</c>).</summary>
    public static IEnumerable<string> Errors(string path, ProviderOptions options) => Errors(options, field => $"{path}:{field}");

    /// <summary>
    /// The problems of a provider, each naming its field through <paramref name="name"/> (a setting's path
    /// in configuration, or a definition's JSON path such as <c>providers[0].url</c>) and saying the fix.
    /// </summary>
    public static IEnumerable<string> Errors(ProviderOptions options, Func<string, string> name)
    {
        if (ProviderKinds.ChannelOf(options.Kind) is null)
        {
            yield return $"{name("Kind")} is '{options.Kind}'; use one of {string.Join(", ", ProviderKinds.All)}.";
            yield break;
        }
        if (options.Kind == ProviderKinds.EmailSmtp)
        {
            if (string.IsNullOrWhiteSpace(options.Host))
                yield return $"{name("Host")} is required for an SMTP provider (the mail server's host name).";
            if (string.IsNullOrWhiteSpace(options.From))
                yield return $"{name("From")} is required for an SMTP provider (the sender, e.g. 'Shop <news@shop.example>').";
            if (options.MaxConnections is < 1 or > 1024)
                yield return $"{name("MaxConnections")} is {options.MaxConnections}; keep 1 to 1024 connections open.";
            if (options.Port is < 1 or > 65535)
                yield return $"{name("Port")} is {options.Port}; use the SMTP server's port (1-65535), e.g. 587.";
        }
        else if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            yield return $"{name("Url")} must be an absolute http(s) URL of the provider's endpoint.";
        }
        if (options.Kind == ProviderKinds.SmsHttp && options.Preset is not ("generic" or "twilio" or "vonage"))
            yield return $"{name("Preset")} is '{options.Preset}'; use generic, twilio or vonage.";
        if (options.BodyTemplate is { } body && !JsonBodyTemplate.IsValid(body, out var bodyError))
            yield return $"{name("BodyTemplate")} does not parse as Liquid: {bodyError}";
        if (options.Kind == ProviderKinds.Webhook && options.Secret is not { Length: >= 16 })
            yield return $"{name("Secret")} must be at least 16 characters: receivers verify the HMAC-SHA256 signature with it.";
        if (options.SendsPerSecond is <= 0 or > 1_000_000)
            yield return $"{name("SendsPerSecond")} is {options.SendsPerSecond}; use the provider's limit, above 0.";
        if (options.MaxAttempts is < 1 or > 20)
            yield return $"{name("MaxAttempts")} is {options.MaxAttempts}; use 1 to 20.";
        if (options.Timeout <= TimeSpan.Zero || options.BaseDelay < TimeSpan.Zero || options.MaxDelay < options.BaseDelay)
            yield return $"{name("Timeout")} must be positive and {name("MaxDelay")} at least {name("BaseDelay")}.";
        if (options.BreakerFailureRatio is <= 0 or > 1 || options.BreakerMinimumThroughput < 2 || options.BreakerBreakDuration < TimeSpan.FromMilliseconds(500))
            yield return $"{name("BreakerFailureRatio")} must be in (0, 1], {name("BreakerMinimumThroughput")} at least 2, {name("BreakerBreakDuration")} at least 0.5 s.";
    }
}
