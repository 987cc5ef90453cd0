using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Streaming.Contracts.Records;

namespace Streaming.Profiles.Tests;

public sealed class ProfilesService_TaggingTests : IAsyncLifetime
{
    private const string BigOrder = """{"name":"Big order","condition":{"metric":{"fn":"max","event":{"name":"Order Completed"},"property":"revenue"},"op":"gte","value":1000}}""";
    private ProfilesFixture _host = null!;
    private readonly long _now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public async Task InitializeAsync() => _host = await ProfilesFixture.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Tag_is_entered_after_the_qualifying_event_and_shown_by_the_profile_api()
    {
        const string tenant = "t-live";
        Assert.Equal(HttpStatusCode.OK, (await _host.PutTagAsync(tenant, "big-order", BigOrder)).StatusCode);
        await _host.SendAsync(ProfilesFixture.Event(tenant, 7, "Page Viewed", _now - 1000, type: "page"));
        await ProfilesFixture.WaitFor(() => _host.ProfileAsync(tenant, "/api/profiles/7"), TimeSpan.FromSeconds(30), "the first event to be applied");

        // How fast a tag is entered is measured by tools/Streaming.Bench (profiles: tag latency p50/p99), not asserted here.
        await _host.SendAsync(ProfilesFixture.Event(tenant, 7, "Order Completed", _now, """{"revenue": 1500}"""));
        var entered = await _host.WaitForChange(c => c is { Tenant: tenant, PersonId: 7, Kind: ProfileChangeKind.TagEntered, TagId: "big-order" }, TimeSpan.FromSeconds(60), "big-order entered");

        Assert.NotNull(entered.CauseMessageId);
        var profile = (await _host.ProfileAsync(tenant, "/api/profiles/lookup?type=userId&value=U7"))!.Value;
        Assert.Equal(7, profile.GetProperty("personId").GetInt64());
        Assert.Equal(1, profile.GetProperty("metrics").GetProperty("orders").GetInt64());
        Assert.Equal(1500m, profile.GetProperty("metrics").GetProperty("revenue").GetDecimal());
        var tag = Assert.Single(profile.GetProperty("tags").EnumerateArray());
        Assert.Equal("big-order", tag.GetProperty("id").GetString());
        Assert.Equal(entered.At, tag.GetProperty("since").GetInt64());
        Assert.Contains(tag.GetProperty("why").EnumerateArray(), w => w.GetProperty("value").GetString() == "1500");
    }

    [Fact]
    public async Task Invalid_tag_definition_is_rejected_with_a_400_naming_the_wrong_field()
    {
        const string tenant = "t-invalid";
        var response = await _host.PutTagAsync(tenant, "weekly", """{"name":"Weekly","condition":{"metric":{"fn":"count","window":"120d"},"op":"gte","value":3}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("path").GetString() == "condition.metric.window");
        Assert.Contains("condition.metric.window", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var yaml = await _host.PutTagAsync(tenant, "weekly", "name: Weekly\ncondition:\n  metric: { fn: count, window: 7d }\n  op: gte\n  value: 3\n", "application/yaml");
        Assert.Equal(HttpStatusCode.OK, yaml.StatusCode);
        using var list = new HttpRequestMessage(HttpMethod.Get, "/api/definitions/tags");
        list.Headers.Add("X-Tenant", tenant);
        var listed = await (await _host.Http.SendAsync(list)).Content.ReadFromJsonAsync<JsonElement>();
        var stored = Assert.Single(listed.EnumerateArray());
        Assert.Equal("7d", stored.GetProperty("definition").GetProperty("condition").GetProperty("metric").GetProperty("window").GetString());
    }

    [Fact]
    public async Task Changing_a_definition_retags_people_who_sent_no_new_event()
    {
        const string tenant = "t-redefine";
        var orders = new List<IdentifiedEvent> { ProfilesFixture.Event(tenant, 1, "Order Completed", _now - 3000, """{"revenue": 10}""") };
        for (var i = 0; i < 3; i++)
            orders.Add(ProfilesFixture.Event(tenant, 2, "Order Completed", _now - 2000 + i, """{"revenue": 10}"""));
        await _host.SendAsync([.. orders]);
        await ProfilesFixture.WaitFor(async () => await _host.ProfileAsync(tenant, "/api/profiles/2") is { } p
            && p.GetProperty("metrics").GetProperty("orders").GetInt64() == 3 ? true : (bool?)null, TimeSpan.FromSeconds(30), "the orders to be applied");

        await _host.PutTagAsync(tenant, "buyer", """{"name":"Buyer","condition":{"metric":{"fn":"count","event":{"name":"Order Completed"},"window":"30d"},"op":"gte","value":3}}""");
        await _host.WaitForChange(c => c is { Tenant: tenant, PersonId: 2, Kind: ProfileChangeKind.TagEntered, TagId: "buyer" }, TimeSpan.FromSeconds(10), "person 2 to enter");

        await _host.PutTagAsync(tenant, "buyer", """{"name":"Buyer","condition":{"metric":{"fn":"count","event":{"name":"Order Completed"},"window":"30d"},"op":"gte","value":1}}""");
        await _host.WaitForChange(c => c is { Tenant: tenant, PersonId: 1, Kind: ProfileChangeKind.TagEntered, TagId: "buyer" }, TimeSpan.FromSeconds(10), "person 1 to enter");

        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/api/definitions/tags/buyer");
        delete.Headers.Add("X-Tenant", tenant);
        Assert.Equal(HttpStatusCode.NoContent, (await _host.Http.SendAsync(delete)).StatusCode);
        await _host.WaitForChange(c => c is { Tenant: tenant, PersonId: 1, Kind: ProfileChangeKind.TagLeft, TagId: "buyer" }, TimeSpan.FromSeconds(10), "person 1 to leave");
        await _host.WaitForChange(c => c is { Tenant: tenant, PersonId: 2, Kind: ProfileChangeKind.TagLeft, TagId: "buyer" }, TimeSpan.FromSeconds(10), "person 2 to leave");
        Assert.Single(_host.Changes, c => c is { PersonId: 2, Kind: ProfileChangeKind.TagEntered, TagId: "buyer" });
    }
}
