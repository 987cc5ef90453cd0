namespace Streaming.Gateway;

/// <summary>Ingestion settings (section <c>Gateway</c>; env <c>Gateway__*</c>). Limits default to Segment's.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>
    /// The key tracked message links (<c>/m/o</c>, <c>/m/c</c>, <c>/m/u</c>) are verified with: the same as
    /// Dispatch:TrackingKey (at least 32 characters, from a secret). Unset: those links answer 404.
    /// </summary>
    public string? TrackingKey { get; set; }

    /// <summary>
    /// The contact vault's key (base64 of 32 bytes, the same as Dispatch:VaultKey, from a secret): the
    /// phone numbers and e-mail addresses of identify traits of sources with <c>captureContacts</c> are
    /// sealed with it before hashing, so only the dispatchers can read them. Unset: nothing is captured.
    /// </summary>
    public string? VaultKey { get; set; }

    /// <summary>gRPC port (HTTP/2 cleartext); 0 picks a free port, -1 serves no separate gRPC port.</summary>
    public int GrpcPort { get; set; } = 8081;

    /// <summary>Address the gRPC port binds to: <c>*</c> (every interface) or an IP address.</summary>
    public string GrpcAddress { get; set; } = "*";

    /// <summary>Largest accepted event (its JSON), in bytes: Segment's 32 KB.</summary>
    public int MaxEventBytes { get; set; } = 32 * 1024;

    /// <summary>Largest accepted request body (after gzip decoding), in bytes: Segment's 500 KB.</summary>
    public int MaxRequestBytes { get; set; } = 500 * 1024;

    /// <summary>Most events in one batch: Segment's 2,500.</summary>
    public int MaxBatchEvents { get; set; } = 2_500;

    /// <summary>Events per second one write key may send (token bucket, per gateway instance); 0 turns the limit off.</summary>
    public int RateLimitEventsPerSecond { get; set; } = 100_000;

    /// <summary>
    /// How many events a write key may send at once (the bucket size). A source with its own rate gets
    /// the same burst in seconds: RateLimitBurstEvents / RateLimitEventsPerSecond times its rate.
    /// </summary>
    public int RateLimitBurstEvents { get; set; } = 200_000;

    /// <summary>Events waiting for Kafka's acknowledgement across all requests; above it new requests get 503.</summary>
    public int MaxInFlightEvents { get; set; } = 200_000;

    /// <summary>How long a request waits for Kafka's acknowledgement before answering 503 (the SDK retries).</summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retry-After sent with 503 answers.</summary>
    public TimeSpan UnavailableRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Events whose (skew-corrected) time is further than this in the future are flagged.</summary>
    public TimeSpan FutureTolerance { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Extra placeholder identifier values removed from events (compared case-insensitively, trimmed),
    /// on top of the built-in list shared with identity (Streaming.Contracts.Identifiers.Placeholders).
    /// </summary>
    public List<string> JunkIdentifiers { get; set; } = [];

    /// <summary>
    /// Extra PII paths hashed on top of the names recognised by spelling (e-mail, phone, ... see
    /// docs/gateway.md): <c>traits.x.y</c> covers the event's traits and <c>context.traits</c>,
    /// <c>properties.x.y</c> the properties, <c>context.x.y</c> the context. The hash goes to
    /// <c>&lt;name&gt;_hash</c>.
    /// </summary>
    public List<string> PiiFields { get; set; } = [];

    /// <summary>Secret salt of the PII hashes (HMAC key, derived per tenant). Required, from a secret.</summary>
    public string PiiSalt { get; set; } = "";

    /// <summary>Proxies (IPs or CIDR ranges) whose X-Forwarded-For is believed.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Zero the host part of client IPs (last octet of IPv4, last 80 bits of IPv6) before they reach Kafka.</summary>
    public bool AnonymizeIp { get; set; }
}
