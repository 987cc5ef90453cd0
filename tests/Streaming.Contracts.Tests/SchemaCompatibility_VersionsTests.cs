using Avro;
using Streaming.Contracts.Avro;

namespace Streaming.Contracts.Tests;

public class SchemaCompatibility_VersionsTests
{
    public static TheoryData<string> RecordNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in AvroSchemaRegistry.AllVersions.Select(v => v.RecordName).Distinct())
            data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(RecordNames))]
    public void Every_schema_version_is_backward_and_forward_compatible_with_its_earlier_versions(string recordName)
    {
        var versions = AvroSchemaRegistry.VersionsOf(recordName);
        foreach (var older in versions)
        {
            foreach (var newer in versions.Where(v => v.Number >= older.Number))
            {
                Assert.Empty(AvroCompatibility.Problems(older.Schema, newer.Schema)); // backward: new reader, old data
                Assert.Empty(AvroCompatibility.Problems(newer.Schema, older.Schema)); // forward: old reader, new data
            }
        }
    }

    [Fact]
    public void Compatibility_check_catches_a_field_added_without_default()
    {
        var current = AvroSchemaRegistry.Current("TrackingEvent").Schema;
        var broken = (RecordSchema)Schema.Parse(current.ToString().Replace(
            "\"fields\":[", "\"fields\":[{\"name\":\"region\",\"type\":\"string\"},", StringComparison.Ordinal));
        var problems = AvroCompatibility.Problems(current, broken);
        Assert.Contains(problems, p => p.Contains("region", StringComparison.Ordinal));
    }

    [Fact]
    public void Compatibility_check_accepts_a_field_added_with_default()
    {
        var current = AvroSchemaRegistry.Current("TrackingEvent").Schema;
        var evolved = (RecordSchema)Schema.Parse(current.ToString().Replace(
            "\"fields\":[", "\"fields\":[{\"name\":\"region\",\"type\":[\"null\",\"string\"],\"default\":null},", StringComparison.Ordinal));
        Assert.Empty(AvroCompatibility.Problems(current, evolved));
        Assert.Empty(AvroCompatibility.Problems(evolved, current));
    }

    [Fact]
    public void Compatibility_check_catches_a_type_change_that_does_not_resolve()
    {
        var current = AvroSchemaRegistry.Current("IdentityMerge").Schema;
        var broken = (RecordSchema)Schema.Parse(current.ToString().Replace(
            "{\"name\":\"at\",\"type\":\"long\"", "{\"name\":\"at\",\"type\":\"boolean\"", StringComparison.Ordinal));
        Assert.NotEmpty(AvroCompatibility.Problems(current, broken));
    }
}
