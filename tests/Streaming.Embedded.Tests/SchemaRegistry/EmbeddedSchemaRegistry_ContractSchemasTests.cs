using Confluent.SchemaRegistry;
using Streaming.Contracts.Avro;

namespace Streaming.Embedded.Tests.SchemaRegistry;

/// <summary>The project's own schemas (contracts/avro) register in version order under BACKWARD, as the topics will use them.</summary>
public sealed class EmbeddedSchemaRegistry_ContractSchemasTests
{
    [Fact]
    public async Task EmbeddedSchemaRegistry_accepts_every_contract_schema_version_in_order_when_the_level_is_backward()
    {
        await using var registry = await RegistryUnderTest.StartAsync();
        using var client = registry.Client();
        var records = AvroSchemaRegistry.AllVersions.GroupBy(v => v.RecordName).ToList();

        foreach (var record in records)
        {
            foreach (var version in record.OrderBy(v => v.Number))
            {
                var id = await client.RegisterSchemaAsync(record.Key + "-value", new Schema(version.Schema.ToString(), SchemaType.Avro));
                var served = await client.GetSchemaAsync(id);
                Assert.Equal(version.Fingerprint, Avro.SchemaNormalization.ParsingFingerprint64(Avro.Schema.Parse(served.SchemaString)));
            }
            var versions = await client.GetSubjectVersionsAsync(record.Key + "-value");
            Assert.Equal(record.Count(), versions.Count);
        }
        Assert.NotEmpty(records);
    }
}
