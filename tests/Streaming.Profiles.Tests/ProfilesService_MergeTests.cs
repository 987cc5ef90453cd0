using System.Text.Json;
using Streaming.Contracts.Records;

namespace Streaming.Profiles.Tests;

public sealed class ProfilesService_MergeTests : IAsyncLifetime
{
    private ProfilesFixture _host = null!;
    private readonly long _now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public async Task InitializeAsync() => _host = await ProfilesFixture.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Merge_combines_counters_seen_times_traits_and_tags_exactly_once()
    {
        const string tenant = "t-merge";
        await _host.PutTagAsync(tenant, "frequent-buyer", """{"name":"Buys twice","condition":{"metric":{"fn":"count","event":{"name":"Order Completed"},"window":"30d"},"op":"gte","value":2}}""");
        await _host.SendAsync(
            ProfilesFixture.Event(tenant, 100, "Order Completed", _now - 50_000, """{"revenue": 30}"""),
            ProfilesFixture.Event(tenant, 100, "identify", _now - 40_000, type: "identify", traits: """{"plan":"free","city":"Lyon"}"""),
            ProfilesFixture.Event(tenant, 200, "Order Completed", _now - 90_000, """{"revenue": 12.5}"""),
            ProfilesFixture.Event(tenant, 200, "identify", _now - 10_000, type: "identify", traits: """{"plan":"pro"}"""));
        await WaitForOrders(tenant, 100, 1);
        await WaitForOrders(tenant, 200, 1);
        Assert.DoesNotContain(_host.Changes, c => c.Kind == ProfileChangeKind.TagEntered);

        await _host.MergeAsync(tenant, survivor: 100, absorbed: 200, "m1");
        await _host.MergeAsync(tenant, survivor: 100, absorbed: 200, "m1-again");

        await _host.WaitForChange(c => c is { Tenant: tenant, PersonId: 100, Kind: ProfileChangeKind.TagEntered, TagId: "frequent-buyer" }, TimeSpan.FromSeconds(30), "the merged person to enter the tag");
        var survivor = await WaitForOrders(tenant, 100, 2);
        var metrics = survivor.GetProperty("metrics");
        Assert.Equal(42.5m, metrics.GetProperty("revenue").GetDecimal());
        Assert.Equal(_now - 90_000, metrics.GetProperty("firstSeen").GetInt64());
        Assert.Equal(_now - 10_000, metrics.GetProperty("lastSeen").GetInt64());
        Assert.Equal("pro", survivor.GetProperty("traits").GetProperty("plan").GetString());
        Assert.Equal("Lyon", survivor.GetProperty("traits").GetProperty("city").GetString());
        // The absorbed person's id and identifiers now answer with the survivor.
        Assert.Equal(100, (await _host.ProfileAsync(tenant, "/api/profiles/200"))!.Value.GetProperty("personId").GetInt64());
        Assert.Equal(100, (await _host.ProfileAsync(tenant, "/api/profiles/lookup?type=userId&value=U200"))!.Value.GetProperty("personId").GetInt64());

        // A late event of the absorbed id lands on the survivor, once.
        await _host.SendAsync(ProfilesFixture.Event(tenant, 200, "Order Completed", _now - 5_000, """{"revenue": 1}"""));
        var after = await WaitForOrders(tenant, 100, 3);
        Assert.Equal(43.5m, after.GetProperty("metrics").GetProperty("revenue").GetDecimal());
        Assert.Single(_host.Changes, c => c is { PersonId: 100, Kind: ProfileChangeKind.TagEntered });
    }

    private Task<JsonElement> WaitForOrders(string tenant, long personId, long orders) =>
        ProfilesFixture.WaitFor(async () => await _host.ProfileAsync(tenant, $"/api/profiles/{personId}") is { } p
            && p.GetProperty("metrics").GetProperty("orders").GetInt64() == orders ? p : (JsonElement?)null,
            TimeSpan.FromSeconds(30), $"person {personId} to have {orders} orders");
}
