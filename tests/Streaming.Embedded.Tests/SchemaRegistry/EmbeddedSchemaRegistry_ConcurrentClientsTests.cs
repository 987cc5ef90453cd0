using Confluent.SchemaRegistry;

namespace Streaming.Embedded.Tests.SchemaRegistry;

/// <summary>Clients registering at the same time each get one id per schema, and nothing they were answered is lost.</summary>
public sealed class EmbeddedSchemaRegistry_ConcurrentClientsTests
{
    [Fact]
    public async Task EmbeddedSchemaRegistry_gives_one_id_per_schema_when_clients_register_at_the_same_time()
    {
        await using var registry = await RegistryUnderTest.StartAsync();
        var schemas = Enumerable.Range(0, 16)
            .Select(i => $$"""{"type":"record","name":"R{{i}}","namespace":"test","fields":[{"name":"f","type":"string"}]}""")
            .ToList();

        // Every schema is registered by two clients at once, each under its own subject and a shared one.
        var registrations = await Task.WhenAll(schemas.SelectMany(schema => Enumerable.Range(0, 2).Select(async _ =>
        {
            using var client = registry.Client();
            var own = await client.RegisterSchemaAsync($"r{schemas.IndexOf(schema)}-value", new Schema(schema, SchemaType.Avro));
            await client.UpdateCompatibilityAsync(Compatibility.None, "shared-value");
            var shared = await client.RegisterSchemaAsync("shared-value", new Schema(schema, SchemaType.Avro));
            return (schema, own, shared);
        })));
        await registry.RestartAsync();
        using var reader = registry.Client();
        var sharedVersions = await reader.GetSubjectVersionsAsync("shared-value");

        Assert.All(registrations.GroupBy(r => r.schema), g => Assert.Single(g.SelectMany(r => new[] { r.own, r.shared }).Distinct()));
        Assert.Equal(schemas.Count, registrations.Select(r => r.own).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, schemas.Count), sharedVersions);
        foreach (var (schema, id, _) in registrations)
            Assert.Equal(Avro.Schema.Parse(schema), Avro.Schema.Parse((await reader.GetSchemaAsync(id)).SchemaString));
    }
}
