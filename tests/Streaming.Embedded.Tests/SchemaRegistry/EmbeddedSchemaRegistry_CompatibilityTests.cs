using System.Net;
using Confluent.SchemaRegistry;

namespace Streaming.Embedded.Tests.SchemaRegistry;

/// <summary>A new version must pass the subject's compatibility level (BACKWARD by default), as in Confluent's registry.</summary>
public sealed class EmbeddedSchemaRegistry_CompatibilityTests
{
    [Fact]
    public async Task EmbeddedSchemaRegistry_refuses_an_incompatible_version_with_40901_when_the_level_is_backward()
    {
        await using var registry = await RegistryUnderTest.StartAsync();
        using var client = registry.Client();
        await client.RegisterSchemaAsync("users-value", new Schema(RegistrySchemas.UserV1, SchemaType.Avro));

        var refused = await Assert.ThrowsAsync<SchemaRegistryException>(
            () => client.RegisterSchemaAsync("users-value", new Schema(RegistrySchemas.UserV3Incompatible, SchemaType.Avro)));
        var typeChange = await Assert.ThrowsAsync<SchemaRegistryException>(
            () => client.RegisterSchemaAsync("users-value", new Schema(RegistrySchemas.UserIdAsLong, SchemaType.Avro)));
        var versions = await client.GetSubjectVersionsAsync("users-value");

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal(40901, refused.ErrorCode);
        Assert.Contains("age", refused.Message, StringComparison.Ordinal);
        Assert.Equal(40901, typeChange.ErrorCode);
        Assert.Equal([1], versions);
    }

    [Fact]
    public async Task EmbeddedSchemaRegistry_adds_a_version_when_the_new_field_has_a_default()
    {
        await using var registry = await RegistryUnderTest.StartAsync();
        using var client = registry.Client();
        var v1 = await client.RegisterSchemaAsync("users-value", new Schema(RegistrySchemas.UserV1, SchemaType.Avro));

        var compatible = await client.IsCompatibleAsync("users-value", new Schema(RegistrySchemas.UserV2, SchemaType.Avro));
        var incompatible = await client.IsCompatibleAsync("users-value", new Schema(RegistrySchemas.UserV3Incompatible, SchemaType.Avro));
        var v2 = await client.RegisterSchemaAsync("users-value", new Schema(RegistrySchemas.UserV2, SchemaType.Avro));
        var latest = await client.GetLatestSchemaAsync("users-value");

        Assert.True(compatible);
        Assert.False(incompatible);
        Assert.NotEqual(v1, v2);
        Assert.Equal((v2, 2), (latest.Id, latest.Version));
    }

    [Fact]
    public async Task EmbeddedSchemaRegistry_follows_the_subject_level_when_it_is_set_by_the_confluent_client()
    {
        await using var registry = await RegistryUnderTest.StartAsync();
        using var client = registry.Client();
        await client.RegisterSchemaAsync("users-value", new Schema(RegistrySchemas.UserV1, SchemaType.Avro));

        var global = await client.GetCompatibilityAsync();
        var notSet = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.GetCompatibilityAsync("users-value"));
        var set = await client.UpdateCompatibilityAsync(Compatibility.None, "users-value");
        var read = await client.GetCompatibilityAsync("users-value");
        var accepted = await client.RegisterSchemaAsync("users-value", new Schema(RegistrySchemas.UserV3Incompatible, SchemaType.Avro));
        var forward = await client.UpdateCompatibilityAsync(Compatibility.Forward, "users-value");
        // Forward: version 2 (age without default) must read the new schema's data, which has no age.
        var refused = await Assert.ThrowsAsync<SchemaRegistryException>(
            () => client.RegisterSchemaAsync("users-value", new Schema(RegistrySchemas.UserWithNickname, SchemaType.Avro)));

        Assert.Equal(Compatibility.Backward, global);
        Assert.Equal(40408, notSet.ErrorCode);
        Assert.Equal(Compatibility.None, set);
        Assert.Equal(Compatibility.None, read);
        Assert.True(accepted > 0);
        Assert.Equal(Compatibility.Forward, forward);
        Assert.Equal(40901, refused.ErrorCode);
    }

    [Fact]
    public async Task EmbeddedSchemaRegistry_checks_every_earlier_version_when_the_level_is_transitive()
    {
        await using var registry = await RegistryUnderTest.StartAsync();
        using var client = registry.Client();
        await client.UpdateCompatibilityAsync(Compatibility.None, "users-value");
        await client.RegisterSchemaAsync("users-value", new Schema(RegistrySchemas.UserV1, SchemaType.Avro));
        await client.RegisterSchemaAsync("users-value", new Schema(RegistrySchemas.UserV3Incompatible, SchemaType.Avro));
        // Reads version 2's data (age is ignored), not version 1's (age has no default).
        const string withAge = """{"type":"record","name":"User","namespace":"test","fields":[{"name":"id","type":"string"},{"name":"age","type":"int"},{"name":"plan","type":"string","default":"free"}]}""";

        var backward = await client.IsCompatibleAsync("users-value", new Schema(withAge, SchemaType.Avro));
        await client.UpdateCompatibilityAsync(Compatibility.BackwardTransitive, "users-value");
        var transitive = await client.IsCompatibleAsync("users-value", new Schema(withAge, SchemaType.Avro));

        Assert.True(backward);
        Assert.False(transitive);
    }

    [Fact]
    public async Task EmbeddedSchemaRegistry_judges_fixed_logical_enum_and_recursive_types_when_they_evolve()
    {
        await using var registry = await RegistryUnderTest.StartAsync();
        using var client = registry.Client();
        await client.RegisterSchemaAsync("payments-value", new Schema(RegistrySchemas.Payment, SchemaType.Avro));
        await client.RegisterSchemaAsync("nodes-value", new Schema(RegistrySchemas.Node, SchemaType.Avro));

        var removedSymbol = await Assert.ThrowsAsync<SchemaRegistryException>(
            () => client.RegisterSchemaAsync("payments-value", new Schema(RegistrySchemas.PaymentWithoutPaid, SchemaType.Avro)));
        var nodeV2 = await client.RegisterSchemaAsync("nodes-value", new Schema(RegistrySchemas.NodeV2, SchemaType.Avro));
        var nodeLatest = await client.GetLatestSchemaAsync("nodes-value");

        Assert.Equal(40901, removedSymbol.ErrorCode);
        Assert.Equal((nodeV2, 2), (nodeLatest.Id, nodeLatest.Version));
    }
}
