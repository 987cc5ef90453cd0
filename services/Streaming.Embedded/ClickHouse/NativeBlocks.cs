using System.Buffers.Binary;
using K4os.Compression.LZ4;

namespace Streaming.Embedded.ClickHouse;

/// <summary>
/// ClickHouse's native compressed blocks, what <c>compress=1</c> answers with and
/// <c>decompress=1</c> reads (the JDBC driver behind Metabase and DBeaver uses them): each block is
/// a CityHash128 (1.0.2) checksum of the rest, a method byte (0x82 LZ4, 0x90 ZSTD, 0x02 none), the
/// compressed size including the 9-byte header, the uncompressed size, then the data.
/// </summary>
public static class NativeBlocks
{
    public const byte None = 0x02;
    public const byte Lz4 = 0x82;
    public const byte Zstd = 0x90;

    private const int ChecksumSize = 16;
    private const int HeaderSize = 9;

    /// <summary>ClickHouse's max_compress_block_size: data is cut into blocks of at most this many bytes.</summary>
    public const int MaxBlockSize = 1 << 20;

    /// <summary>The data in LZ4 blocks, as ClickHouse compresses by default.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream(data.Length / 2 + 64);
        for (var offset = 0; offset < data.Length; offset += MaxBlockSize)
        {
            var chunk = data.Slice(offset, Math.Min(MaxBlockSize, data.Length - offset));
            var block = new byte[ChecksumSize + HeaderSize + LZ4Codec.MaximumOutputSize(chunk.Length)];
            var compressed = LZ4Codec.Encode(chunk, block.AsSpan(ChecksumSize + HeaderSize));
            block[ChecksumSize] = Lz4;
            BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(ChecksumSize + 1), (uint)(compressed + HeaderSize));
            BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(ChecksumSize + 5), (uint)chunk.Length);
            var (low, high) = CityHash128.Hash(block.AsSpan(ChecksumSize, HeaderSize + compressed));
            BinaryPrimitives.WriteUInt64LittleEndian(block, low);
            BinaryPrimitives.WriteUInt64LittleEndian(block.AsSpan(8), high);
            output.Write(block, 0, ChecksumSize + HeaderSize + compressed);
        }

        return output.ToArray();
    }

    /// <summary>Reads one block from <paramref name="input"/>: its data, or null at the end; InvalidDataException when damaged.</summary>
    public static async Task<byte[]?> ReadBlockAsync(Stream input, CancellationToken cancellationToken = default)
    {
        var head = new byte[ChecksumSize + HeaderSize];
        var got = await input.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        if (got == 0)
        {
            return null;
        }

        if (got < head.Length)
        {
            throw new InvalidDataException("the body ends inside a compressed block's header");
        }

        var method = head[ChecksumSize];
        var compressedSize = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(ChecksumSize + 1));
        var size = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(ChecksumSize + 5));
        if (compressedSize < HeaderSize || compressedSize > (1 << 30) || size > (1 << 30))
        {
            throw new InvalidDataException($"a compressed block declares impossible sizes ({compressedSize}, {size})");
        }

        var block = new byte[compressedSize];
        head.AsSpan(ChecksumSize).CopyTo(block);
        await input.ReadExactlyAsync(block.AsMemory(HeaderSize), cancellationToken);
        var (low, high) = CityHash128.Hash(block);
        if (low != BinaryPrimitives.ReadUInt64LittleEndian(head) || high != BinaryPrimitives.ReadUInt64LittleEndian(head.AsSpan(8)))
        {
            throw new InvalidDataException("a compressed block's checksum does not match its data (CHECKSUM_DOESNT_MATCH)");
        }

        var payload = block.AsSpan(HeaderSize);
        var data = new byte[size];
        switch (method)
        {
            case None when payload.Length == size:
                payload.CopyTo(data);
                break;
            case Lz4 when LZ4Codec.Decode(payload, data) == size:
                break;
            case Zstd:
                using (var zstd = new ZstdSharp.Decompressor())
                {
                    if (zstd.Unwrap(payload, data.AsSpan()) != size)
                    {
                        throw new InvalidDataException("a ZSTD block does not decompress to its declared size");
                    }
                }

                break;
            default:
                throw new InvalidDataException($"unknown or damaged compressed block (method 0x{method:X2}); send LZ4 (0x82), ZSTD (0x90) or none (0x02)");
        }

        return data;
    }
}

/// <summary>A request body in native compressed blocks, read as the plain bytes they hold.</summary>
internal sealed class NativeBlockReadStream(Stream inner) : Stream
{
    private byte[] _current = [];
    private int _position;
    private bool _ended;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_position == _current.Length)
        {
            if (_ended)
            {
                return 0;
            }

            var next = await NativeBlocks.ReadBlockAsync(inner, cancellationToken);
            if (next is null)
            {
                _ended = true;
                return 0;
            }

            (_current, _position) = (next, 0);
        }

        var count = Math.Min(buffer.Length, _current.Length - _position);
        _current.AsMemory(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
