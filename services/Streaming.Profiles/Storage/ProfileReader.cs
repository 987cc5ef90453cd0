using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;

namespace Streaming.Profiles.Storage;

/// <summary>
/// Reads what <see cref="BinaryWriter"/> wrote (7-bit lengths, UTF-8 strings, raw decimals) straight
/// from the stored bytes. Keys that repeat across profiles (series ids, tag ids, fences, channels,
/// trait names, tenants) come from a bounded pool instead of a new string per profile load.
/// </summary>
internal sealed class ProfileReader(byte[] data)
{
    private const int MaxPooled = 4096;
    private const int MaxPooledLength = 128;
    private static readonly ConcurrentDictionary<string, string> Pool = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> PoolBySpan = Pool.GetAlternateLookup<ReadOnlySpan<char>>();

    // ConcurrentDictionary.Count takes every lock: the pool keeps its own count.
    private static int _pooled;

    private int _position;

    public bool AtEnd => _position >= data.Length;

    public byte ReadByte() => _position < data.Length ? data[_position++] : throw new EndOfStreamException("The stored profile ends early.");

    public bool ReadBoolean() => ReadByte() != 0;

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public int Read7BitEncodedInt() => (int)(uint)Read7Bit(5);

    public long Read7BitEncodedInt64() => (long)Read7Bit(10);

    public string ReadString() => Encoding.UTF8.GetString(Take(Read7BitEncodedInt()));

    /// <summary>Steps over a string without reading it.</summary>
    public void SkipString() => Take(Read7BitEncodedInt());

    /// <summary>A string that is likely shared by many profiles: served from the pool.</summary>
    public string ReadKey()
    {
        var bytes = Take(Read7BitEncodedInt());
        if (bytes.Length > MaxPooledLength)
            return Encoding.UTF8.GetString(bytes);
        Span<char> chars = stackalloc char[MaxPooledLength];
        var length = Encoding.UTF8.GetChars(bytes, chars);
        if (PoolBySpan.TryGetValue(chars[..length], out var pooled))
            return pooled;
        var text = new string(chars[..length]);
        if (Volatile.Read(ref _pooled) >= MaxPooled || !Pool.TryAdd(text, text))
            return PoolBySpan.TryGetValue(chars[..length], out pooled) ? pooled : text;
        Interlocked.Increment(ref _pooled);
        return text;
    }

    /// <summary>The 16 bytes of <see cref="BinaryWriter.Write(decimal)"/>: lo, mid, hi, flags.</summary>
    public decimal ReadDecimal()
    {
        var bytes = Take(16);
        ReadOnlySpan<int> bits =
        [
            BinaryPrimitives.ReadInt32LittleEndian(bytes),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]),
        ];
        try
        {
            return new decimal(bits);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException("The stored profile holds an invalid decimal.", ex);
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > data.Length - _position)
            throw new EndOfStreamException("The stored profile ends early.");
        var span = data.AsSpan(_position, count);
        _position += count;
        return span;
    }

    private ulong Read7Bit(int maxBytes)
    {
        ulong result = 0;
        for (var shift = 0; shift < maxBytes * 7; shift += 7)
        {
            var b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return result;
        }
        throw new InvalidDataException("The stored profile holds a malformed 7-bit encoded integer.");
    }
}
