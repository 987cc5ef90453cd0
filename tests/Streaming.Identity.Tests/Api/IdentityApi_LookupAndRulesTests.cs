using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Streaming.Contracts.Topics;
using Streaming.Identity.Tests.Pipeline;
using Streaming.ServiceDefaults;

namespace Streaming.Identity.Tests.Api;

/// <summary>The identity service as deployed (AddIdentity/MapIdentity on a real host), fed through Kafka, asked over HTTP.</summary>
public sealed class IdentityApi_LookupAndRulesTests
{
    private const string AdminKey = "test-admin-key-0123456789";

    [Fact]
    public async Task Identity_service_answers_lookup_and_person_with_identifiers_and_merge_history()
    {
        await using var bed = await PipelineFixture.StartAsync();
        await using var app = await StartServiceAsync(bed);
        using var http = Client(app, bed.Tenant);

        await bed.ProduceAsync(bed.Event("m1", "track", anonymousId: "A2"));
        Assert.Single(bed.Read(TopicCatalog.EventsIdentified, 1, TimeSpan.FromSeconds(30)));
        await bed.ProduceAsync(
            bed.Event("m2", "identify", anonymousId: "A1", userId: "U1"),
            bed.Event("m3", "identify", anonymousId: "A2", userId: "U1"));
        Assert.Equal(3, bed.Read(TopicCatalog.EventsIdentified, 3, TimeSpan.FromSeconds(30)).Count);
        // Another member logs in on the same device, after U1 did (U2 is keyed to another partition).
        await bed.ProduceAsync(bed.Event("m4", "identify", anonymousId: "A2", userId: "U2"));
        Assert.Equal(4, bed.Read(TopicCatalog.EventsIdentified, 4, TimeSpan.FromSeconds(30)).Count);

        using var lookup = await http.GetAsync("/api/identity/lookup?type=userId&value=U1");
        Assert.Equal(HttpStatusCode.OK, lookup.StatusCode);
        var person = await lookup.Content.ReadFromJsonAsync<JsonElement>();
        var personId = person.GetProperty("personId").GetInt64();
        Assert.Equal(["anonymousId:A1", "anonymousId:A2", "userId:U1"],
            person.GetProperty("identifiers").EnumerateArray().Select(i => $"{i.GetProperty("type").GetString()}:{i.GetProperty("value").GetString()}"));
        var merges = person.GetProperty("merges").EnumerateArray().ToList();
        Assert.Equal(["merged", "refused"], merges.Select(m => m.GetProperty("outcome").GetString()));
        Assert.Equal("m3", merges[0].GetProperty("causeMessageId").GetString());
        Assert.Contains("U1", merges[1].GetProperty("reason").GetString(), StringComparison.Ordinal);

        var absorbed = person.GetProperty("absorbedPersons").EnumerateArray().Single().GetProperty("personId").GetInt64();
        var viaAbsorbed = await http.GetFromJsonAsync<JsonElement>($"/api/identity/persons/{absorbed}");
        Assert.Equal(personId, viaAbsorbed.GetProperty("personId").GetInt64());

        using var unknown = await http.GetAsync("/api/identity/lookup?type=userId&value=nobody");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        using var denied = await http.GetAsync($"/api/identity/persons/{personId}");
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
    }

    [Fact]
    public async Task Identity_service_stores_valid_tenant_rules_and_refuses_wrong_ones_naming_the_field()
    {
        await using var bed = await PipelineFixture.StartAsync();
        await using var app = await StartServiceAsync(bed);
        using var http = Client(app, bed.Tenant);

        using var wrong = await http.PutAsync("/api/identity/rules", new StringContent("""{"limits":{"shoe_size":1}}""", Encoding.UTF8, "application/json"));
        using var right = await http.PutAsync("/api/identity/rules", new StringContent("""{"limits":{"phone_hash":2},"blocklist":["guest-device"]}""", Encoding.UTF8, "application/json"));
        var rules = await http.GetFromJsonAsync<JsonElement>("/api/identity/rules");

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("limits names 'shoe_size'", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(2, rules.GetProperty("limits").GetProperty("phone_hash").GetInt32());
        Assert.Contains("guest-device", rules.GetProperty("blocklist").EnumerateArray().Select(v => v.GetString()));
    }

    private static async Task<WebApplication> StartServiceAsync(PipelineFixture bed)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = bed.Kafka.BootstrapServers,
            ["Redis:Configuration"] = bed.Redis.ClientConfiguration,
            ["Admin:ApiKey"] = AdminKey,
        });
        builder.Configuration.AddInMemoryCollection(SharedSchemaRegistry.Settings);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults("identity");
        builder.AddIdentity();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapIdentity();
        await app.StartAsync();
        return app;
    }

    private static HttpClient Client(WebApplication app, string tenant)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        http.DefaultRequestHeaders.Add("X-Tenant", tenant);
        return http;
    }
}
