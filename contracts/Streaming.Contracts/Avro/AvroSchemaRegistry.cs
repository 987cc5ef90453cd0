using System.Collections.Frozen;
using System.Reflection;
using Avro;

namespace Streaming.Contracts.Avro;

/// <summary>
/// Every schema version shipped in <c>contracts/avro</c> (embedded in this assembly), indexed by
/// the CRC-64-AVRO fingerprint of its parsing canonical form so a reader can resolve any known writer.
/// Files are named <c>&lt;Record&gt;.v&lt;N&gt;.avsc</c>; the highest N is the current writer schema.
/// </summary>
public static class AvroSchemaRegistry
{
    public sealed record Version(string RecordName, int Number, RecordSchema Schema, long Fingerprint, string FileName);

    private static readonly Lazy<(FrozenDictionary<long, Version> ByFingerprint, FrozenDictionary<string, Version[]> ByRecord)> Index =
        new(Load);

    public static IReadOnlyList<Version> AllVersions => [.. Index.Value.ByRecord.Values.SelectMany(v => v)];

    public static IReadOnlyList<Version> VersionsOf(string recordName) =>
        Index.Value.ByRecord.TryGetValue(recordName, out var versions)
            ? versions
            : throw new InvalidOperationException($"No Avro schema named {recordName} in contracts/avro.");

    public static Version Current(string recordName) => VersionsOf(recordName)[^1];

    public static bool TryGet(long fingerprint, out Version version) =>
        Index.Value.ByFingerprint.TryGetValue(fingerprint, out version!);

    private static (FrozenDictionary<long, Version>, FrozenDictionary<string, Version[]>) Load()
    {
        var assembly = typeof(AvroSchemaRegistry).Assembly;
        var versions = new List<Version>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("avro/", StringComparison.Ordinal)))
        {
            var fileName = resource["avro/".Length..];
            var parts = fileName.Split('.');
            if (parts.Length != 3 || !parts[1].StartsWith('v') || !int.TryParse(parts[1][1..], out var number))
                throw new InvalidOperationException($"Avro schema file {fileName} must be named <Record>.v<N>.avsc.");
            var schema = (RecordSchema)Schema.Parse(ReadResource(assembly, resource));
            versions.Add(new Version(schema.Name, number, schema, SchemaNormalization.ParsingFingerprint64(schema), fileName));
        }
        return (
            versions.ToFrozenDictionary(v => v.Fingerprint),
            versions.GroupBy(v => v.RecordName).ToFrozenDictionary(g => g.Key, g => g.OrderBy(v => v.Number).ToArray()));
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
