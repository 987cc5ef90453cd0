using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using Avro;
using Avro.Generic;
using Avro.IO;
using Confluent.SchemaRegistry;
using Streaming.Contracts.Topics;

namespace Streaming.Contracts.Avro;

/// <summary>
/// The payload of one topic in the Confluent wire format: magic byte 0, the writer schema's id in the
/// Schema Registry (4 bytes, big-endian), then the Avro binary body — byte for byte what
/// <c>AvroSerializer&lt;GenericRecord&gt;</c> writes for the same record and schema
/// (<c>ConfluentSerdes_Tests</c> compares them), so every Confluent client, Kafka Connect, ksqlDB and
/// ClickHouse's <c>AvroConfluent</c> format read it.
/// <para>
/// Writes with the current schema (contracts/avro, highest version) under the id the registry gave it
/// in the subject <c>&lt;topic&gt;-value</c>. Reads any writer id, fetching the writer schema from the
/// registry once (the client caches it) and resolving it against the current schema, so added fields
/// take their defaults. Payloads that start with the single-object marker (C3 01, the previous release)
/// are read by <see cref="SingleObjectSerde{T}"/> for one release.
/// </para>
/// <para>
/// Why not <c>AvroSerializer&lt;T&gt;</c>/<c>AvroDeserializer&lt;T&gt;</c> on every message: they are
/// async only (a semaphore, two <c>ContinueWith</c> hops through the thread pool and a hash of the
/// schema text per message), while the consumer runtime decodes and the handlers encode synchronously
/// on their partition's worker. The serdes are used where they fit: the registry client below is
/// Confluent's, and the tests read every topic with <c>AvroDeserializer&lt;GenericRecord&gt;</c>.
/// docs/wire-format.md has the measurements.
/// </para>
/// </summary>
public sealed class TopicSerde<T>
{
    /// <summary>The Confluent wire format's magic byte (format version 0).</summary>
    public const byte MagicByte = 0;
    public const int HeaderLength = 5;

    private readonly Topic<T> _topic;
    private readonly ISchemaRegistryClient _registry;
    private readonly RecordSchema _current;
    private readonly GenericDatumWriter<GenericRecord> _writer;
    private readonly ConcurrentDictionary<int, GenericDatumReader<GenericRecord>> _readers = new();

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    public TopicSerde(Topic<T> topic, ISchemaRegistryClient registry, int writerSchemaId)
    {
        _topic = topic;
        _registry = registry;
        WriterSchemaId = writerSchemaId;
        _current = AvroSchemaRegistry.Current(topic.RecordName).Schema;
        _writer = new GenericDatumWriter<GenericRecord>(_current);
        _readers[writerSchemaId] = new GenericDatumReader<GenericRecord>(_current, _current);
    }

    public Topic<T> Topic => _topic;

    /// <summary>The registry id of the schema this process writes (the current version of the record).</summary>
    public int WriterSchemaId { get; }

    public byte[] Serialize(T value)
    {
        var record = new GenericRecord(_current);
        _topic.Map.Write(record, value);
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        WireFormat.WriteConfluentHeader(buffer, WriterSchemaId);
        _writer.Write(record, new BinaryEncoder(new BufferStream(buffer)));
        return buffer.WrittenSpan.ToArray();
    }

    public T Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.Length >= HeaderLength && data[0] == MagicByte)
        {
            var id = BinaryPrimitives.ReadInt32BigEndian(data[1..HeaderLength]);
            var reader = _readers.TryGetValue(id, out var known) ? known : _readers.GetOrAdd(id, CreateReader);
            using var stream = new MemoryStream(data[HeaderLength..].ToArray(), writable: false);
            return _topic.Map.Read(reader.Read(reuse: null!, new BinaryDecoder(stream)));
        }
        if (WireFormat.IsSingleObject(data))
            return _topic.LegacySerde.Deserialize(data);
        throw new InvalidDataException(
            $"Not a {_topic.RecordName} of {_topic.Name}: neither the Confluent wire format (magic byte 0 and a schema id) nor the previous release's single-object encoding (C3 01).");
    }


    private GenericDatumReader<GenericRecord> CreateReader(int id)
    {
        // A schema id this process has not seen: a newer (or older) producer registered another version.
        // One registry round trip, cached by the client; the partition worker that meets it waits for it.
        global::Confluent.SchemaRegistry.Schema registered;
        try
        {
            registered = _registry.GetSchemaBySubjectAndIdAsync(_topic.ValueSubject, id).GetAwaiter().GetResult();
        }
        catch (SchemaRegistryException ex)
        {
            throw new InvalidDataException($"Schema id {id} of a {_topic.Name} message is unknown to the Schema Registry: {ex.Message}", ex);
        }
        if (global::Avro.Schema.Parse(registered.SchemaString) is not RecordSchema writer || writer.Name != _topic.RecordName)
            throw new InvalidDataException($"Schema id {id} of a {_topic.Name} message is not a {_topic.RecordName} record.");
        return new GenericDatumReader<GenericRecord>(writer, _current);
    }

    /// <summary>Lets Avro's encoder write straight into the pooled buffer.</summary>
    private sealed class BufferStream(ArrayBufferWriter<byte> buffer) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => buffer.WrittenCount;
        public override long Position { get => buffer.WrittenCount; set => throw new NotSupportedException(); }
        public override void Write(byte[] data, int offset, int count) => buffer.Write(data.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> data) => buffer.Write(data);
        public override void WriteByte(byte value)
        {
            buffer.GetSpan(1)[0] = value;
            buffer.Advance(1);
        }
        public override void Flush() { }
        public override int Read(byte[] data, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
