using Confluent.SchemaRegistry;

namespace Streaming.Embedded.Tests.SchemaRegistry;

/// <summary>Confluent's CachedSchemaRegistryClient, unchanged, registers and reads schemas as against Confluent's registry.</summary>
public sealed class EmbeddedSchemaRegistry_ConfluentClientTests
{
    [Fact]
    public async Task EmbeddedSchemaRegistry_serves_a_registered_schema_by_id_and_as_latest_when_asked_by_the_confluent_client()
    {
        await using var registry = await RegistryUnderTest.StartAsync();
        using var client = registry.Client();

        var id = await client.RegisterSchemaAsync("users-value", new Schema(RegistrySchemas.UserV1, SchemaType.Avro));
        var byId = await client.GetSchemaAsync(id);
        var latest = await client.GetLatestSchemaAsync("users-value");
        var subjects = await client.GetAllSubjectsAsync();
        var versions = await client.GetSubjectVersionsAsync("users-value");

        Assert.True(id > 0);
        Assert.Equal(SchemaType.Avro, byId.SchemaType);
        Assert.Equal(Avro.Schema.Parse(RegistrySchemas.UserV1), Avro.Schema.Parse(byId.SchemaString));
        Assert.Equal(id, latest.Id);
        Assert.Equal(1, latest.Version);
        Assert.Equal("users-value", latest.Subject);
        Assert.Equal(["users-value"], subjects);
        Assert.Equal([1], versions);
    }

    [Fact]
    public async Task EmbeddedSchemaRegistry_gives_the_same_id_when_the_same_schema_is_registered_again()
    {
        await using var registry = await RegistryUnderTest.StartAsync();
        using var first = registry.Client();
        using var second = registry.Client(); // a fresh client: no cache answers for the registry
        var reformatted = RegistrySchemas.UserV1.Replace(",", ",\n  ", StringComparison.Ordinal);

        var id = await first.RegisterSchemaAsync("users-value", new Schema(RegistrySchemas.UserV1, SchemaType.Avro));
        var again = await second.RegisterSchemaAsync("users-value", new Schema(reformatted, SchemaType.Avro));
        var otherSubject = await second.RegisterSchemaAsync("users-copy-value", new Schema(RegistrySchemas.UserV1, SchemaType.Avro));
        var order = await second.RegisterSchemaAsync("orders-value", new Schema(RegistrySchemas.Order, SchemaType.Avro));
        var versions = await second.GetSubjectVersionsAsync("users-value");

        Assert.Equal(id, again);
        Assert.Equal(id, otherSubject);
        Assert.NotEqual(id, order);
        Assert.Equal([1], versions);
    }

    [Fact]
    public async Task EmbeddedSchemaRegistry_finds_the_version_of_a_schema_when_looked_up_and_answers_40403_when_it_is_not_there()
    {
        await using var registry = await RegistryUnderTest.StartAsync();
        using var client = registry.Client();
        var id = await client.RegisterSchemaAsync("users-value", new Schema(RegistrySchemas.UserV1, SchemaType.Avro));
        await client.RegisterSchemaAsync("users-value", new Schema(RegistrySchemas.UserV2, SchemaType.Avro));

        var found = await client.LookupSchemaAsync("users-value", new Schema(RegistrySchemas.UserV1, SchemaType.Avro), ignoreDeletedSchemas: true);
        var missing = await Assert.ThrowsAsync<SchemaRegistryException>(
            () => client.LookupSchemaAsync("users-value", new Schema(RegistrySchemas.Order, SchemaType.Avro), ignoreDeletedSchemas: true));
        var noSubject = await Assert.ThrowsAsync<SchemaRegistryException>(
            () => client.LookupSchemaAsync("nobody-value", new Schema(RegistrySchemas.Order, SchemaType.Avro), ignoreDeletedSchemas: true));

        Assert.Equal((id, 1), (found.Id, found.Version));
        Assert.Equal(40403, missing.ErrorCode);
        Assert.Equal(40401, noSubject.ErrorCode);
    }
}
