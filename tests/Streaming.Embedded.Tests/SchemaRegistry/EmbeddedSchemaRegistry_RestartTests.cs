using Confluent.SchemaRegistry;

namespace Streaming.Embedded.Tests.SchemaRegistry;

/// <summary>The registry's log in the data folder: ids, versions, deletes and levels survive a restart.</summary>
public sealed class EmbeddedSchemaRegistry_RestartTests
{
    [Fact]
    public async Task EmbeddedSchemaRegistry_keeps_ids_versions_and_levels_when_restarted_on_the_same_folder()
    {
        await using var registry = await RegistryUnderTest.StartAsync();
        int users, order;
        using (var before = registry.Client())
        {
            users = await before.RegisterSchemaAsync("users-value", new Schema(RegistrySchemas.UserV1, SchemaType.Avro));
            order = await before.RegisterSchemaAsync("orders-value", new Schema(RegistrySchemas.Order, SchemaType.Avro));
            await before.UpdateCompatibilityAsync(Compatibility.Full, "orders-value");
            using var http = registry.Http(); // Confluent's .NET client has no delete
            (await http.DeleteAsync("subjects/orders-value")).EnsureSuccessStatusCode();
        }

        await registry.RestartAsync();
        using var after = registry.Client();
        var byId = await after.GetSchemaAsync(users);
        var again = await after.RegisterSchemaAsync("users-value", new Schema(RegistrySchemas.UserV1, SchemaType.Avro));
        var next = await after.RegisterSchemaAsync("users-value", new Schema(RegistrySchemas.UserV2, SchemaType.Avro));
        var subjects = await after.GetAllSubjectsAsync();
        var level = await after.GetCompatibilityAsync("orders-value");

        Assert.Equal(Avro.Schema.Parse(RegistrySchemas.UserV1), Avro.Schema.Parse(byId.SchemaString));
        Assert.Equal(users, again);
        Assert.True(next > order, $"a new schema gets an id above every id handed out before ({next} after {order})");
        Assert.Equal(["users-value"], subjects);
        Assert.Equal(Compatibility.Full, level);
    }

    [Fact]
    public async Task EmbeddedSchemaRegistry_drops_a_torn_last_line_when_the_log_was_cut_short_by_a_crash()
    {
        await using var registry = await RegistryUnderTest.StartAsync();
        int id;
        using (var before = registry.Client())
            id = await before.RegisterSchemaAsync("users-value", new Schema(RegistrySchemas.UserV1, SchemaType.Avro));
        await registry.Server.DisposeAsync();
        await File.AppendAllTextAsync(registry.Server.LogPath, """{"op":"version","subject":"users-va""");

        await registry.RestartAsync();
        using var after = registry.Client();
        var versions = await after.GetSubjectVersionsAsync("users-value");
        var next = await after.RegisterSchemaAsync("orders-value", new Schema(RegistrySchemas.Order, SchemaType.Avro));

        Assert.Equal([1], versions);
        Assert.Equal(id + 1, next);
    }
}
