using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Streaming.ServiceDefaults.Messaging;

/// <summary>What a tracked link stands for: an open (<c>o</c>), a click to <see cref="Url"/> (<c>c</c>) or an unsubscribe (<c>u</c>) of one sent message.</summary>
public sealed record TrackingToken(string Kind, string Tenant, string RequestId, long PersonId, string Channel, string? JourneyId, string? Url)
{
    public const string Open = "o";
    public const string Click = "c";
    public const string Unsubscribe = "u";

    /// <summary>
    /// The token in a link: base64url(JSON) "." base64url(first 16 bytes of HMAC-SHA256(key, JSON)).
    /// Dispatch signs, the gateway verifies with the same key (Dispatch:TrackingKey, Gateway:TrackingKey);
    /// a changed byte, or a token of another key, does not verify.
    /// </summary>
    public string Sign(string key)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Wire(Kind, Tenant, RequestId, PersonId, Channel, JourneyId, Url));
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(Mac(key, payload));
    }

    /// <summary>The token's content when its signature is right, else null.</summary>
    public static TrackingToken? Verify(string key, string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || token.Length > 4096)
            return null;
        try
        {
            var payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            var mac = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
            if (!CryptographicOperations.FixedTimeEquals(mac, Mac(key, payload)))
                return null;
            var wire = JsonSerializer.Deserialize<Wire>(payload);
            return wire is null || wire.K is not (Open or Click or Unsubscribe) ? null : new TrackingToken(wire.K, wire.T, wire.R, wire.P, wire.C, wire.J, wire.U);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    private static byte[] Mac(string key, byte[] payload) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), payload)[..16];

    // Short names keep the links short.
    private sealed record Wire(string K, string T, string R, long P, string C, string? J, string? U);
}
