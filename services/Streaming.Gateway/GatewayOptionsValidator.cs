using Microsoft.Extensions.Options;
using Streaming.ServiceDefaults.Options;
using Streaming.Gateway.Enrichment;

namespace Streaming.Gateway;

/// <summary>Start-up validation: a wrong setting stops the gateway with a message naming it.</summary>
internal sealed class GatewayOptionsValidator : SettingsValidator<GatewayOptions>
{
    protected override IEnumerable<string> Failures(GatewayOptions o)
    {
        if (o.GrpcPort is < -1 or > 65535)
            yield return "Gateway:GrpcPort must be a port number, 0 (any free port) or -1 (no gRPC port).";
        if (o.GrpcAddress != "*" && !System.Net.IPAddress.TryParse(o.GrpcAddress, out _))
            yield return "Gateway:GrpcAddress must be '*' or an IP address.";
        if (o.MaxEventBytes < 1024)
            yield return "Gateway:MaxEventBytes must be at least 1024.";
        if (o.TrackingKey is { Length: < 32 })
            yield return "Gateway:TrackingKey must be at least 32 characters, the same as Dispatch:TrackingKey (tracked message links are verified with it).";
        if (o.VaultKey is not null && !Streaming.ServiceDefaults.Messaging.ContactSeal.IsKey(o.VaultKey))
            yield return "Gateway:VaultKey must be base64 of 32 random bytes, the same as Dispatch:VaultKey (e.g. `openssl rand -base64 32`, from a secret).";
        if (o.MaxRequestBytes < o.MaxEventBytes)
            yield return "Gateway:MaxRequestBytes must be at least Gateway:MaxEventBytes.";
        if (o.MaxBatchEvents < 1)
            yield return "Gateway:MaxBatchEvents must be at least 1.";
        if (o.RateLimitEventsPerSecond < 0 || o.RateLimitBurstEvents < 0)
            yield return "Gateway:RateLimitEventsPerSecond and Gateway:RateLimitBurstEvents must not be negative.";
        if (o.MaxInFlightEvents < o.MaxBatchEvents)
            yield return "Gateway:MaxInFlightEvents must be at least Gateway:MaxBatchEvents.";
        if (o.AckTimeout <= TimeSpan.Zero)
            yield return "Gateway:AckTimeout must be positive, e.g. 00:00:10.";
        if (o.FutureTolerance < TimeSpan.Zero)
            yield return "Gateway:FutureTolerance must not be negative.";
        if (o.PiiSalt.Length < 16)
            yield return "Gateway:PiiSalt is required and must be at least 16 characters (env Gateway__PiiSalt, from a secret); it keys the PII hashes.";
        foreach (var field in o.PiiFields)
        {
            if (!PiiField.TryParse(field, out _))
                yield return $"Gateway:PiiFields entry '{field}' must be {PiiField.Hint}.";
        }
        foreach (var proxy in o.TrustedProxies)
        {
            if (!ClientIp.TryParseRange(proxy, out _))
                yield return $"Gateway:TrustedProxies entry '{proxy}' must be an IP address or a CIDR range like 10.0.0.0/8.";
        }
    }
}
