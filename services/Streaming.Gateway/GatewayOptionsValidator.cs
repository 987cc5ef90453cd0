using Microsoft.Extensions.Options;
using Streaming.Gateway.Enrichment;

namespace Streaming.Gateway;

/// <summary>Start-up validation: a wrong setting stops the gateway with a message naming it.</summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions o)
    {
        var failures = new List<string>();
        if (o.GrpcPort is < -1 or > 65535)
            failures.Add("Gateway:GrpcPort must be a port number, 0 (any free port) or -1 (no gRPC port).");
        if (o.GrpcAddress != "*" && !System.Net.IPAddress.TryParse(o.GrpcAddress, out _))
            failures.Add("Gateway:GrpcAddress must be '*' or an IP address.");
        if (o.MaxEventBytes < 1024)
            failures.Add("Gateway:MaxEventBytes must be at least 1024.");
        if (o.TrackingKey is { Length: < 32 })
            failures.Add("Gateway:TrackingKey must be at least 32 characters, the same as Dispatch:TrackingKey (tracked message links are verified with it).");
        if (o.VaultKey is not null && !Streaming.ServiceDefaults.Messaging.ContactSeal.IsKey(o.VaultKey))
            failures.Add("Gateway:VaultKey must be base64 of 32 random bytes, the same as Dispatch:VaultKey (e.g. `openssl rand -base64 32`, from a secret).");
        if (o.MaxRequestBytes < o.MaxEventBytes)
            failures.Add("Gateway:MaxRequestBytes must be at least Gateway:MaxEventBytes.");
        if (o.MaxBatchEvents < 1)
            failures.Add("Gateway:MaxBatchEvents must be at least 1.");
        if (o.RateLimitEventsPerSecond < 0 || o.RateLimitBurstEvents < 0)
            failures.Add("Gateway:RateLimitEventsPerSecond and Gateway:RateLimitBurstEvents must not be negative.");
        if (o.MaxInFlightEvents < o.MaxBatchEvents)
            failures.Add("Gateway:MaxInFlightEvents must be at least Gateway:MaxBatchEvents.");
        if (o.AckTimeout <= TimeSpan.Zero)
            failures.Add("Gateway:AckTimeout must be positive, e.g. 00:00:10.");
        if (o.FutureTolerance < TimeSpan.Zero)
            failures.Add("Gateway:FutureTolerance must not be negative.");
        if (o.PiiSalt.Length < 16)
            failures.Add("Gateway:PiiSalt is required and must be at least 16 characters (env Gateway__PiiSalt, from a secret); it keys the PII hashes.");
        foreach (var field in o.PiiFields)
        {
            if (!PiiField.TryParse(field, out _))
                failures.Add($"Gateway:PiiFields entry '{field}' must be {PiiField.Hint}.");
        }
        foreach (var proxy in o.TrustedProxies)
        {
            if (!ClientIp.TryParseRange(proxy, out _))
                failures.Add($"Gateway:TrustedProxies entry '{proxy}' must be an IP address or a CIDR range like 10.0.0.0/8.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
