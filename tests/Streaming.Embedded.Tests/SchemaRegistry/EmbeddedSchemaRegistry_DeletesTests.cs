using System.Net;
using System.Text.Json;
using Confluent.SchemaRegistry;

namespace Streaming.Embedded.Tests.SchemaRegistry;

/// <summary>Deletes are soft first (hidden, still readable with ?deleted=true and by id), permanent only after, as in the registry.</summary>
public sealed class EmbeddedSchemaRegistry_DeletesTests
{
    [Fact]
    public async Task EmbeddedSchemaRegistry_hides_a_soft_deleted_version_but_still_serves_its_id_when_a_consumer_reads_old_data()
    {
        await using var registry = await RegistryUnderTest.StartAsync();
        using var client = registry.Client();
        using var http = registry.Http();
        var v1 = await client.RegisterSchemaAsync("users-value", new Schema(RegistrySchemas.UserV1, SchemaType.Avro));
        await client.RegisterSchemaAsync("users-value", new Schema(RegistrySchemas.UserV2, SchemaType.Avro));

        var deleted = await http.DeleteAsync("subjects/users-value/versions/1");
        var again = await http.DeleteAsync("subjects/users-value/versions/1");
        var live = await client.GetSubjectVersionsAsync("users-value");
        var all = await http.GetStringAsync("subjects/users-value/versions?deleted=true");
        var byId = await client.GetSchemaAsync(v1);
        var idVersions = await http.GetStringAsync($"schemas/ids/{v1}/versions?deleted=true");

        Assert.Equal("1", await deleted.Content.ReadAsStringAsync());
        Assert.Equal(40406, ErrorCode(await again.Content.ReadAsStringAsync()));
        Assert.Equal([2], live);
        Assert.Equal("[1,2]", all);
        Assert.Equal(Avro.Schema.Parse(RegistrySchemas.UserV1), Avro.Schema.Parse(byId.SchemaString));
        Assert.Equal("""[{"subject":"users-value","version":1}]""", idVersions);
    }

    [Fact]
    public async Task EmbeddedSchemaRegistry_deletes_a_subject_permanently_only_when_it_was_soft_deleted_first()
    {
        await using var registry = await RegistryUnderTest.StartAsync();
        using var client = registry.Client();
        using var http = registry.Http();
        var id = await client.RegisterSchemaAsync("users-value", new Schema(RegistrySchemas.UserV1, SchemaType.Avro));

        var tooEarly = await http.DeleteAsync("subjects/users-value?permanent=true");
        var soft = await http.DeleteAsync("subjects/users-value");
        var subjects = await client.GetAllSubjectsAsync();
        var withDeleted = await http.GetStringAsync("subjects?deleted=true");
        var permanent = await http.DeleteAsync("subjects/users-value?permanent=true");
        var gone = await http.GetAsync($"schemas/ids/{id}");

        Assert.Equal(40405, ErrorCode(await tooEarly.Content.ReadAsStringAsync()));
        Assert.Equal("[1]", await soft.Content.ReadAsStringAsync());
        Assert.Empty(subjects);
        Assert.Equal("""["users-value"]""", withDeleted);
        Assert.Equal(HttpStatusCode.OK, permanent.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(40403, ErrorCode(await gone.Content.ReadAsStringAsync()));
    }

    private static int ErrorCode(string body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("error_code").GetInt32();
    }
}
