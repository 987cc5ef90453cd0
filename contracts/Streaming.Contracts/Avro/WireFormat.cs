using System.Buffers;
using System.Buffers.Binary;

namespace Streaming.Contracts.Avro;

/// <summary>The two encodings a payload can have: Confluent's (current) and Avro single-object (previous release).</summary>
public static class WireFormat
{
    /// <summary>Confluent: magic byte 0, then the 4-byte schema id big-endian, then the Avro binary.</summary>
    public const byte ConfluentMagicByte = 0;

    public const int ConfluentHeaderLength = 5;

    /// <summary>Avro single-object encoding: C3 01, the 8-byte schema fingerprint, then the Avro binary.</summary>
    public const byte SingleObjectMarker0 = 0xC3;

    public const byte SingleObjectMarker1 = 0x01;

    /// <summary>The 5-byte Confluent header: magic byte 0, then the schema id big-endian.</summary>
    public static void WriteConfluentHeader(IBufferWriter<byte> buffer, int schemaId)
    {
        var header = buffer.GetSpan(ConfluentHeaderLength);
        header[0] = ConfluentMagicByte;
        BinaryPrimitives.WriteInt32BigEndian(header[1..], schemaId);
        buffer.Advance(ConfluentHeaderLength);
    }

    /// <summary>Whether <paramref name="data"/> starts with the single-object marker (C3 01) of the previous release.</summary>
    public static bool IsSingleObject(ReadOnlySpan<byte> data) =>
        data.Length >= 2 && data[0] == SingleObjectMarker0 && data[1] == SingleObjectMarker1;
}
