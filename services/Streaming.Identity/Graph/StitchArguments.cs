using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Streaming.Identity.Rules;

namespace Streaming.Identity.Graph;

/// <summary>
/// The events of a stitch call as ONE MessagePack array of strings (the script unpacks it with
/// <c>cmsgpack.unpack</c>, which Redis and Garnet both ship). One argument instead of ~15 per event
/// spares Redis an object per argument and the client a large argument array per batch.
/// Per event: messageId, fence key, previous fence key (both with the tenant prefix), fence field,
/// fence expiry, position, receivedAt, timestamp, source, event type, identifier count (an integer),
/// then (type, value) per identifier.
/// </summary>
internal static class StitchArguments
{
    public static byte[] Encode(string tenant, IdentityRules rules, IReadOnlyList<StitchRequest> events, int dedupBuckets)
    {
        var prefix = GraphKeys.Prefix(tenant);
        var writer = new Writer(events.Count * 160);
        var count = 0;
        foreach (var e in events)
            count += 11 + 2 * e.Identifiers.Count;
        writer.ArrayHeader(count);
        Span<char> number = stackalloc char[20];
        Span<char> key = stackalloc char[64];
        foreach (var e in events)
        {
            var fence = GraphKeys.FenceOf(e.MessageId, e.ReceivedAt, rules.DedupWindow, dedupBuckets);
            writer.String(e.MessageId);
            writer.String(prefix, FenceKey(key, fence.Generation, fence.Bucket));
            writer.String(prefix, FenceKey(key, fence.Generation - 1, fence.Bucket));
            fence.Hash.TryFormat(number, out var hexLength, "x16", CultureInfo.InvariantCulture);
            writer.String(number[..hexLength], "");
            writer.Number(fence.ExpiresAt, number);
            writer.String(e.Position);
            writer.Number(e.ReceivedAt, number);
            writer.Number(e.Timestamp, number);
            writer.String(e.Source);
            writer.String(e.EventType);
            writer.SmallInteger(e.Identifiers.Count);
            foreach (var id in e.Identifiers)
            {
                writer.String(id.Type);
                writer.String(id.Value);
            }
        }
        return writer.ToArray();
    }

    /// <summary><c>m:&lt;generation&gt;:&lt;bucket&gt;</c>, as <see cref="GraphKeys.Fence.Key"/> names it, without a string.</summary>
    private static ReadOnlySpan<char> FenceKey(Span<char> buffer, long generation, long bucket)
    {
        if (!buffer.TryWrite(CultureInfo.InvariantCulture, $"m:{generation}:{bucket}", out var written))
            throw new InvalidOperationException("A fence key does not fit its buffer.");
        return buffer[..written];
    }

    /// <summary>The few MessagePack forms the script needs: an array header, strings and a small integer.</summary>
    private sealed class Writer(int capacity)
    {
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(capacity);
        private int _length;

        public void ArrayHeader(int count)
        {
            var span = Reserve(5);
            if (count < 16)
            {
                span[0] = (byte)(0x90 | count);
                _length += 1;
            }
            else if (count <= ushort.MaxValue)
            {
                span[0] = 0xdc;
                BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)count);
                _length += 3;
            }
            else
            {
                span[0] = 0xdd;
                BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)count);
                _length += 5;
            }
        }

        public void SmallInteger(int value)
        {
            var span = Reserve(3);
            if (value is >= 0 and < 128)
            {
                span[0] = (byte)value;
                _length += 1;
            }
            else
            {
                span[0] = 0xcd;
                BinaryPrimitives.WriteUInt16BigEndian(span[1..], checked((ushort)value));
                _length += 3;
            }
        }

        public void String(string value) => Chars(value, "");

        public void Number(long value, Span<char> scratch)
        {
            value.TryFormat(scratch, out var written, default, CultureInfo.InvariantCulture);
            Chars(scratch[..written], ReadOnlySpan<char>.Empty);
        }

        /// <summary>Two strings written as one (a key prefix and the rest), without joining them first.</summary>
        public void String(ReadOnlySpan<char> first, ReadOnlySpan<char> second) => Chars(first, second);

        private void Chars(ReadOnlySpan<char> first, ReadOnlySpan<char> second)
        {
            var length = Encoding.UTF8.GetByteCount(first) + Encoding.UTF8.GetByteCount(second);
            var span = Reserve(5 + length);
            int header;
            if (length < 32)
            {
                span[0] = (byte)(0xa0 | length);
                header = 1;
            }
            else if (length < 256)
            {
                span[0] = 0xd9;
                span[1] = (byte)length;
                header = 2;
            }
            else if (length <= ushort.MaxValue)
            {
                span[0] = 0xda;
                BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)length);
                header = 3;
            }
            else
            {
                span[0] = 0xdb;
                BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
                header = 5;
            }
            var at = header + Encoding.UTF8.GetBytes(first, span[header..]);
            Encoding.UTF8.GetBytes(second, span[at..]);
            _length += header + length;
        }

        private Span<byte> Reserve(int size)
        {
            if (_length + size > _buffer.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + size));
                _buffer.AsSpan(0, _length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = bigger;
            }
            return _buffer.AsSpan(_length);
        }

        public byte[] ToArray()
        {
            var result = _buffer.AsSpan(0, _length).ToArray();
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            return result;
        }
    }
}
