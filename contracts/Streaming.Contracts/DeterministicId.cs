using System.Security.Cryptography;
using System.Text;

namespace Streaming.Contracts;

/// <summary>
/// Ids derived from their cause (e.g. the input message id and the step that produced the output),
/// so a replay produces the same ids and downstream deduplicates them.
/// </summary>
public static class DeterministicId
{
    /// <summary>A UUID-formatted id (version 8, RFC 9562) from SHA-256 of the parts.</summary>
    public static string From(params ReadOnlySpan<string> parts)
    {
        var builder = new StringBuilder();
        foreach (var part in parts)
            builder.Append(part.Length).Append(':').Append(part).Append('|');
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString()), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true).ToString();
    }
}

/// <summary>Kafka keys: every key is scoped by tenant.</summary>
public static class PartitionKey
{
    public static string For(string tenant, string id) => string.Concat(tenant, ":", id);
    public static string For(string tenant, long personId) => string.Concat(tenant, ":", personId.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
