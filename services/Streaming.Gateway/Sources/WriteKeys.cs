using System.Security.Cryptography;
using System.Text;

namespace Streaming.Gateway.Sources;

/// <summary>
/// Write keys: 32 random letters and digits (about 190 bits), stored only as SHA-256. A fast hash
/// is enough because the keys are random, not chosen by people, and it keeps per-request auth cheap.
/// </summary>
public static class WriteKeys
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public const int MinLength = 16;

    public static string Generate() => RandomNumberGenerator.GetString(Alphabet, 32);

    [ThreadStatic]
    private static IncrementalHash? _sha256;

    public static string Hash(string writeKey)
    {
        Span<byte> hash = stackalloc byte[32];
        var max = Encoding.UTF8.GetMaxByteCount(writeKey.Length);
        var bytes = max <= 512 ? stackalloc byte[max] : new byte[max];
        var length = Encoding.UTF8.GetBytes(writeKey, bytes);
        // A reused incremental hash per thread: the one-shot API sets up an OpenSSL context per call.
        var sha = _sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(bytes[..length]);
        sha.GetHashAndReset(hash);
        return "sha256:" + Convert.ToHexStringLower(hash);
    }
}
