using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Streaming.Dispatch.Providers;

/// <summary>
/// The webhook signature: <c>X-Streaming-Timestamp</c> (Unix seconds) and
/// <c>X-Streaming-Signature: v1=hex(HMAC-SHA256(secret, timestamp + "." + body))</c>. A receiver
/// recomputes it over the raw body and refuses old timestamps (replays). The same scheme checks
/// provider delivery callbacks.
/// </summary>
public static class WebhookSignature
{
    public const string TimestampHeader = "X-Streaming-Timestamp";
    public const string SignatureHeader = "X-Streaming-Signature";

    public static string Sign(string secret, long timestampSeconds, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestampSeconds.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>True when <paramref name="signature"/> is this body's at this timestamp, and the timestamp is within <paramref name="tolerance"/> of now.</summary>
    public static bool Verify(string secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || signature is null)
            return false;
        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > tolerance.TotalSeconds)
            return false;
        var expected = Encoding.ASCII.GetBytes(Sign(secret, seconds, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }
}
