using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Streaming.Identity.Graph;

/// <summary>
/// Names of a tenant's identity keys. Every key starts with the tenant's hash tag
/// (<c>{t:&lt;tenant&gt;}:</c>), so all of a tenant's keys share one Redis Cluster slot and one
/// script can merge any two of its persons atomically.
/// </summary>
internal static class GraphKeys
{
    public static string Prefix(string tenant) => string.Concat("{t:", tenant, "}:");

    /// <summary>The person id counter; the key the stitch script declares.</summary>
    public static string Sequence(string tenant) => Prefix(tenant) + "seq";

    public static string Identifier(string tenant, string type, string value) => string.Concat(Prefix(tenant), "i:", type, ":", value);

    public static string Person(string tenant, long person) => Prefix(tenant) + "p:" + person.ToString(CultureInfo.InvariantCulture);

    public static string History(string tenant, long person) => Prefix(tenant) + "h:" + person.ToString(CultureInfo.InvariantCulture);

    public static string Redirect(string tenant, long person) => Prefix(tenant) + "r:" + person.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The dedup fence of a message: the hash field (64 bits of SHA-256 of the messageId), the
    /// hash of the current window generation and the one before (both relative to the prefix),
    /// and when the current one may expire (after the next generation ended).
    /// </summary>
    public static Fence FenceOf(string messageId, long receivedAt, TimeSpan window, int buckets)
    {
        var bytes = Encoding.UTF8.GetMaxByteCount(messageId.Length) <= 512 ? stackalloc byte[512] : new byte[Encoding.UTF8.GetByteCount(messageId)];
        var written = Encoding.UTF8.GetBytes(messageId, bytes);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes[..written], hash);
        var value = BitConverter.ToUInt64(hash[..8]);
        var windowMs = (long)window.TotalMilliseconds;
        var generation = Math.Max(0, receivedAt) / windowMs;
        return new Fence(value, generation, (long)(value % (ulong)buckets), (generation + 2) * windowMs);
    }

    /// <summary>A message's fence; the names are made on demand (the stitch arguments write them without strings).</summary>
    public readonly record struct Fence(ulong Hash, long Generation, long Bucket, long ExpiresAt)
    {
        public string Field => Hash.ToString("x16", CultureInfo.InvariantCulture);
        public string Key => string.Create(CultureInfo.InvariantCulture, $"m:{Generation}:{Bucket}");
        public string PreviousKey => string.Create(CultureInfo.InvariantCulture, $"m:{Generation - 1}:{Bucket}");
    }
}
