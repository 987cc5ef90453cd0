using System.Buffers.Binary;
using System.Collections.Concurrent;
using Avro.Generic;
using Avro.IO;
using Confluent.Kafka;

namespace Streaming.Contracts.Avro;

/// <summary>
/// Avro binary in the single-object encoding (0xC3 0x01, 8-byte little-endian fingerprint, body): what
/// the topics carried before the Confluent wire format (<see cref="TopicSerde{T}"/>). Kept for one
/// release so data written by the previous release still reads during an upgrade (and in the tests
/// that prove it). Reads any writer version shipped in contracts/avro, resolving it against the
/// current schema (Avro schema resolution: added fields take their defaults).
/// </summary>
public sealed class SingleObjectSerde<T> : ISerializer<T>, IDeserializer<T>
{
    public const byte Marker0 = WireFormat.SingleObjectMarker0;
    public const byte Marker1 = WireFormat.SingleObjectMarker1;
    private const int HeaderLength = 10;

    private readonly IAvroMap<T> _map;
    private readonly AvroSchemaRegistry.Version _current;
    private readonly GenericDatumWriter<GenericRecord> _writer;
    private readonly ConcurrentDictionary<long, GenericDatumReader<GenericRecord>> _readers = new();

    public SingleObjectSerde(IAvroMap<T> map)
    {
        _map = map;
        _current = AvroSchemaRegistry.Current(map.RecordName);
        _writer = new GenericDatumWriter<GenericRecord>(_current.Schema);
    }

    public long Fingerprint => _current.Fingerprint;


    public byte[] Serialize(T value)
    {
        var record = new GenericRecord(_current.Schema);
        _map.Write(record, value);
        using var stream = new MemoryStream(256);
        Span<byte> header = stackalloc byte[HeaderLength];
        header[0] = Marker0;
        header[1] = Marker1;
        BinaryPrimitives.WriteInt64LittleEndian(header[2..], _current.Fingerprint);
        stream.Write(header);
        _writer.Write(record, new BinaryEncoder(stream));
        return stream.ToArray();
    }

    public T Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderLength || data[0] != Marker0 || data[1] != Marker1)
            throw new InvalidDataException($"Not an Avro single-object encoded {_map.RecordName}: missing the C3 01 header.");
        var fingerprint = BinaryPrimitives.ReadInt64LittleEndian(data[2..HeaderLength]);
        var reader = _readers.GetOrAdd(fingerprint, CreateReader);
        using var stream = new MemoryStream(data[HeaderLength..].ToArray(), writable: false);
        var record = reader.Read(reuse: null!, new BinaryDecoder(stream));
        return _map.Read(record);
    }

    byte[] ISerializer<T>.Serialize(T data, SerializationContext context) => Serialize(data);

    T IDeserializer<T>.Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) =>
        isNull ? throw new InvalidDataException($"Empty message where a {_map.RecordName} was expected.") : Deserialize(data);

    private GenericDatumReader<GenericRecord> CreateReader(long fingerprint)
    {
        if (!AvroSchemaRegistry.TryGet(fingerprint, out var writer))
            throw new InvalidDataException($"Unknown Avro writer schema fingerprint {fingerprint:X16} for {_map.RecordName}; add its .avsc to contracts/avro.");
        if (writer.RecordName != _map.RecordName)
            throw new InvalidDataException($"Expected a {_map.RecordName} but the message was written as {writer.RecordName}.");
        return new GenericDatumReader<GenericRecord>(writer.Schema, _current.Schema);
    }
}
