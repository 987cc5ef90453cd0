using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace Streaming.Embedded.Kafka.Journal;

/// <summary>
/// The on-disk form of one journal record: <c>[u32 body length][u32 CRC-32C of body][body]</c>,
/// little-endian. The body starts with a kind byte (1 message, 2 commit). A frame whose length or
/// checksum does not hold is where a crash tore the tail.
/// </summary>
internal static class JournalFrame
{
    public const int HeaderSize = 8;
    /// <summary>No record is larger (Kafka's default message.max.bytes is 1 MB; the gateway refuses 32 KB+ events).</summary>
    public const int MaxBodySize = 64 * 1024 * 1024;

    private const byte MessageKind = 1;
    private const byte CommitKind = 2;

    public static void WriteMessage(ArrayBufferWriter<byte> output, JournalMessage message)
    {
        var start = BeginFrame(output, MessageKind);
        WritePosition(output, message.Topic, message.Partition, message.Offset);
        WriteInt64(output, message.TimestampMs);
        WriteBytes(output, message.Key);
        WriteBytes(output, message.Value);
        WriteInt32(output, message.Headers.Count);
        foreach (var (name, value) in message.Headers)
        {
            WriteString(output, name);
            WriteBytes(output, value);
        }
        EndFrame(output, start);
    }

    public static void WriteCommit(ArrayBufferWriter<byte> output, JournalCommit commit)
    {
        var start = BeginFrame(output, CommitKind);
        WriteString(output, commit.Group);
        WritePosition(output, commit.Topic, commit.Partition, commit.Offset);
        EndFrame(output, start);
    }

    /// <summary>Decodes a body whose checksum already held; null for a kind this version does not know.</summary>
    public static object? Read(ReadOnlySpan<byte> body)
    {
        var reader = new SpanReader(body);
        switch (reader.Byte())
        {
            case MessageKind:
                var topic = reader.String();
                var partition = reader.Int32();
                var offset = reader.Int64();
                var timestamp = reader.Int64();
                var key = reader.Bytes();
                var value = reader.Bytes();
                var count = reader.Int32();
                var headers = new List<KeyValuePair<string, byte[]?>>(count);
                for (var i = 0; i < count; i++)
                    headers.Add(new(reader.String(), reader.Bytes()));
                return new JournalMessage(topic, partition, offset, timestamp, key, value, headers);
            case CommitKind:
                return new JournalCommit(reader.String(), reader.String(), reader.Int32(), reader.Int64());
            default:
                return null;
        }
    }

    public static uint Checksum(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, MemoryMarshal.Read<ulong>(data));
            data = data[8..];
        }
        foreach (var b in data)
            crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    /// <summary>Reserves the header (filled by <see cref="EndFrame"/>) and writes the record's kind; returns where the frame starts.</summary>
    private static int BeginFrame(ArrayBufferWriter<byte> output, byte kind)
    {
        var start = output.WrittenCount;
        output.GetSpan(HeaderSize)[..HeaderSize].Clear();
        output.Advance(HeaderSize);
        WriteByte(output, kind);
        return start;
    }

    /// <summary>Topic, partition, offset: the place in the log a message has and a commit names.</summary>
    private static void WritePosition(ArrayBufferWriter<byte> output, string topic, int partition, long offset)
    {
        WriteString(output, topic);
        WriteInt32(output, partition);
        WriteInt64(output, offset);
    }

    private static void EndFrame(ArrayBufferWriter<byte> output, int start)
    {
        // ArrayBufferWriter exposes what was written read-only; the header is patched in place through the same array.
        var written = MemoryMarshal.AsMemory(output.WrittenMemory).Span;
        var body = written[(start + HeaderSize)..];
        BinaryPrimitives.WriteUInt32LittleEndian(written[start..], (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(written[(start + 4)..], Checksum(body));
    }

    private static void WriteByte(ArrayBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static void WriteInt32(ArrayBufferWriter<byte> output, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    private static void WriteInt64(ArrayBufferWriter<byte> output, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    private static void WriteString(ArrayBufferWriter<byte> output, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteInt32(output, length);
        Encoding.UTF8.GetBytes(value, output.GetSpan(length));
        output.Advance(length);
    }

    private static void WriteBytes(ArrayBufferWriter<byte> output, byte[]? value)
    {
        WriteInt32(output, value?.Length ?? -1);
        if (value is null)
            return;
        value.CopyTo(output.GetSpan(value.Length));
        output.Advance(value.Length);
    }

    private ref struct SpanReader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public byte Byte()
        {
            var value = _rest[0];
            _rest = _rest[1..];
            return value;
        }

        public int Int32()
        {
            var value = BinaryPrimitives.ReadInt32LittleEndian(_rest);
            _rest = _rest[4..];
            return value;
        }

        public long Int64()
        {
            var value = BinaryPrimitives.ReadInt64LittleEndian(_rest);
            _rest = _rest[8..];
            return value;
        }

        public string String()
        {
            var length = Int32();
            var value = Encoding.UTF8.GetString(_rest[..length]);
            _rest = _rest[length..];
            return value;
        }

        public byte[]? Bytes()
        {
            var length = Int32();
            if (length < 0)
                return null;
            var value = _rest[..length].ToArray();
            _rest = _rest[length..];
            return value;
        }
    }
}
