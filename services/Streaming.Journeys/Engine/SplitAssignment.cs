using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Streaming.Journeys.Model;

namespace Streaming.Journeys.Engine;

/// <summary>
/// The variant of a split for one person: a stable hash of (tenant, journey, step, person) into
/// 10,000 buckets, so the same person lands in the same variant on every entry and every instance.
/// </summary>
public static class SplitAssignment
{
    /// <summary>The variant, or null for the control group.</summary>
    public static SplitVariant? Of(SplitStep split, string tenant, string journeyId, long personId)
    {
        var bucket = Bucket(tenant, journeyId, split.Id, personId);
        var upper = 0;
        foreach (var variant in split.Variants)
        {
            upper += variant.Percent * 100;
            if (bucket < upper)
                return variant;
        }
        return null;
    }

    public static int Bucket(string tenant, string journeyId, string stepId, long personId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{tenant}|{journeyId}|{stepId}|{personId}"), hash);
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % 10_000);
    }
}
