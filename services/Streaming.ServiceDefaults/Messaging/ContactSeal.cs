using System.Security.Cryptography;
using System.Text;

namespace Streaming.ServiceDefaults.Messaging;

/// <summary>
/// The one sealing of raw contact points (phone numbers, e-mail addresses): AES-256-GCM under the
/// contact vault's key (<c>Dispatch:VaultKey</c>, and <c>Gateway:VaultKey</c> where the gateway seals
/// what it captures), with associated data that says whose and what it is, so a sealed value moved to
/// another person, kind or tenant does not open. Sealed: nonce (12) | tag (16) | ciphertext.
/// </summary>
public sealed class ContactSeal
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly byte[] _key;

    public ContactSeal(string base64Key)
    {
        if (!IsKey(base64Key))
            throw new ArgumentException("The contact vault key must be base64 of 32 random bytes (e.g. `openssl rand -base64 32`).", nameof(base64Key));
        _key = Convert.FromBase64String(base64Key);
    }

    /// <summary>Whether <paramref name="text"/> is a usable key: base64 of exactly 32 bytes.</summary>
    public static bool IsKey(string? text)
    {
        if (text is null)
            return false;
        var bytes = new byte[64];
        return Convert.TryFromBase64String(text, bytes, out var written) && written == 32;
    }

    /// <summary>Associated data from its parts (joined with a separator no part may hold).</summary>
    public static byte[] Associated(params string[] parts) => Encoding.UTF8.GetBytes(string.Join('\u001f', parts));

    public byte[] Seal(string value, byte[] associated)
    {
        var plain = Encoding.UTF8.GetBytes(value);
        var sealedValue = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedValue.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plain, sealedValue.AsSpan(NonceBytes + TagBytes), sealedValue.AsSpan(NonceBytes, TagBytes), associated);
        return sealedValue;
    }

    /// <summary>The value, or null when it does not open (another key, altered bytes, other associated data).</summary>
    public string? Open(byte[] sealedValue, byte[] associated)
    {
        if (sealedValue.Length < NonceBytes + TagBytes)
            return null;
        var plain = new byte[sealedValue.Length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(_key, TagBytes);
            aes.Decrypt(sealedValue.AsSpan(0, NonceBytes), sealedValue.AsSpan(NonceBytes + TagBytes), sealedValue.AsSpan(NonceBytes, TagBytes), plain, associated);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
        return Encoding.UTF8.GetString(plain);
    }
}
