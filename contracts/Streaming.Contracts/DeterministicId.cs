using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Streaming.Contracts;

/// <summary>
/// Ids derived from their cause (e.g. the input message id and the step that produced the output),
/// so a replay produces the same ids and downstream deduplicates them.
/// </summary>
public static class DeterministicId
{
    /// <summary>Framed parts up to this many UTF-8 bytes are hashed from the stack; longer ones from a pooled buffer.</summary>
    private const int StackBytes = 512;

    /// <summary>The most bytes of a part's frame besides its text: ten digits of length, ':' and '|'.</summary>
    private const int FramingBytes = 12;

    /// <summary>
    /// One SHA-256 context per thread, reset by every hash: ids are made for every event, and a
    /// fresh context per call costs more than the hashing of a short id.
    /// </summary>
    [ThreadStatic]
    private static IncrementalHash? _sha256;

    /// <summary>
    /// A UUID-formatted id (version 8, RFC 9562) from SHA-256 of the parts, each framed as
    /// <c>length:part|</c> (length in UTF-16 chars) and encoded as UTF-8 (lone surrogates as U+FFFD).
    /// </summary>
    public static string From(params ReadOnlySpan<string> parts)
    {
        var maxBytes = 0;
        foreach (var part in parts)
            maxBytes += FramingBytes + Encoding.UTF8.GetMaxByteCount(part.Length);
        byte[]? rented = null;
        var buffer = maxBytes <= StackBytes ? stackalloc byte[StackBytes] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        var length = 0;
        foreach (var part in parts)
        {
            part.Length.TryFormat(buffer[length..], out var written, provider: CultureInfo.InvariantCulture);
            length += written;
            buffer[length++] = (byte)':';
            length += Encoding.UTF8.GetBytes(part, buffer[length..]);
            buffer[length++] = (byte)'|';
        }

        Span<byte> hash = stackalloc byte[32];
        var sha256 = _sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha256.AppendData(buffer[..length]);
        sha256.GetHashAndReset(hash);
        if (rented is not null)
            ArrayPool<byte>.Shared.Return(rented);

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
