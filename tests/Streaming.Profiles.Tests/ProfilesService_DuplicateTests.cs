using System.Text.Json;
using Streaming.Contracts.Records;

namespace Streaming.Profiles.Tests;

/// <summary>
/// Identity re-emits a redelivered input at a new offset of events.identified: the offset fence
/// cannot see it, the messageId can.
/// </summary>
public sealed class ProfilesService_DuplicateTests : IAsyncLifetime
{
    private ProfilesFixture _host = null!;
    private readonly long _now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public async Task InitializeAsync() => _host = await ProfilesFixture.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Profiles_apply_an_event_once_when_it_arrives_again_at_a_new_offset()
    {
        const string tenant = "t-dup";
        var order = ProfilesFixture.Event(tenant, 7, "Order Completed", _now - 60_000, """{"revenue": 10, "$set": {"plan": "gold"}}""");
        await _host.SendAsync(order);
        await WaitForEventsAsync(tenant, 1);
        // The profile is visible before its change message reaches the test's reader: settle first.
        await _host.WaitForChangesSettledAsync(TimeSpan.FromSeconds(60));
        var changesBefore = _host.Changes.Count(c => c.PersonId == 7);

        // The same event again (same messageId, a new offset), then another event as a marker.
        await _host.SendAsync(order);
        await _host.SendAsync(ProfilesFixture.Event(tenant, 7, "Page Viewed", _now - 30_000));
        var profile = await WaitForEventsAsync(tenant, 2);

        var metrics = profile.GetProperty("metrics");
        Assert.Equal(1, metrics.GetProperty("orders").GetInt64());
        Assert.Equal(10m, metrics.GetProperty("revenue").GetDecimal());
        Assert.Equal(2, metrics.GetProperty("allEvents").GetProperty("count").GetInt64());
        await _host.WaitForChangesSettledAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(changesBefore, _host.Changes.Count(c => c.PersonId == 7));
    }

    private Task<JsonElement> WaitForEventsAsync(string tenant, long count) =>
        ProfilesFixture.WaitFor(async () => await _host.ProfileAsync(tenant, "/api/profiles/7") is { } j
            && j.GetProperty("metrics").GetProperty("allEvents").GetProperty("count").GetInt64() >= count ? j : (JsonElement?)null,
            TimeSpan.FromSeconds(30), $"person 7 to have {count} events");
}
