using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Streaming.ServiceDefaults.Admin;

/// <summary>
/// API keys look like <c>sk_&lt;id&gt;_&lt;secret&gt;</c>: a 12-character public id (listed, used to revoke) and
/// 40 random letters and digits (about 238 bits). Only SHA-256 of the whole key is stored: a fast hash is
/// enough for random keys nobody chose, and keeps per-request checks cheap.
/// </summary>
public static partial class ApiKeySecrets
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static (string Id, string Key) Generate()
    {
        var id = RandomNumberGenerator.GetString(IdAlphabet, 12);
        return (id, $"sk_{id}_{RandomNumberGenerator.GetString(Alphabet, 40)}");
    }

    /// <summary>The public id of a key in the <c>sk_</c> format; null for anything else (e.g. the bootstrap key).</summary>
    public static string? IdOf(string key)
    {
        var match = KeyPattern().Match(key);
        return match.Success ? match.Groups["id"].Value : null;
    }

    public static bool IsValidId(string id) => IdPattern().IsMatch(id);

    /// <summary><c>sha256:&lt;hex&gt;</c> of the key's UTF-8 bytes.</summary>
    public static string Hash(string key) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Whether <paramref name="key"/> hashes to <paramref name="storedHash"/>, compared in constant time.</summary>
    public static bool Matches(string key, string storedHash)
    {
        if (!storedHash.StartsWith("sha256:", StringComparison.Ordinal))
            return false;
        var presented = Encoding.ASCII.GetBytes(Hash(key));
        var stored = Encoding.ASCII.GetBytes(storedHash.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(presented, stored);
    }

    [GeneratedRegex("^sk_(?<id>[a-z0-9]{12})_[A-Za-z0-9]{40}$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("^[a-z0-9]{12}$")]
    private static partial Regex IdPattern();
}
