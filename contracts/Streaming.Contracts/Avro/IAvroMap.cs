using Avro.Generic;

namespace Streaming.Contracts.Avro;

/// <summary>Maps a C# record to and from the generic Avro record of its current schema.</summary>
public interface IAvroMap<T>
{
    string RecordName { get; }
    void Write(GenericRecord record, T value);
    T Read(GenericRecord record);
}

internal static class GenericRecordExtensions
{
    public static string Str(this GenericRecord r, string field) => (string)r[field];
    public static string? OptStr(this GenericRecord r, string field) => r.TryGetValue(field, out var v) ? (string?)v : null;
    public static long Long(this GenericRecord r, string field) => (long)r[field];
    public static long? OptLong(this GenericRecord r, string field) => r.TryGetValue(field, out var v) ? (long?)v : null;
    public static bool Bool(this GenericRecord r, string field) => (bool)r[field];
}
