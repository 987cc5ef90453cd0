using System.Text.Json;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.ServiceDefaults.Kafka;

namespace Streaming.Profiles.Tests;

/// <summary>
/// After a crash, identity handles again every input it had not committed and re-emits the outputs
/// at new offsets with the same cause (<see cref="CauseHeader"/>). The profiles fence by that cause,
/// so a re-emitted run longer than the window of recent message ids is still applied only once.
/// </summary>
public sealed class ProfilesService_CauseFenceTests : IAsyncLifetime
{
    private const int Orders = 150; // more than the window of recently applied message ids (64)
    private ProfilesFixture _host = null!;
    private readonly long _now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public async Task InitializeAsync() => _host = await ProfilesFixture.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Profiles_apply_a_long_run_re_emitted_by_identity_once_whatever_the_window_of_message_ids()
    {
        const string tenant = "t-cause";
        var orders = Enumerable.Range(0, Orders)
            .Select(i => ProfilesFixture.Event(tenant, 11, "Order Completed", _now - 3_600_000 + i * 1_000, """{"revenue": 2}"""))
            .ToList();
        await SendFromUpstreamAsync(orders, firstOffset: 1_000);
        await WaitForEventsAsync(tenant, Orders);

        // Identity crashed before committing: the same run again, same causes, new offsets; then a new event.
        await SendFromUpstreamAsync(orders, firstOffset: 1_000);
        await SendFromUpstreamAsync([ProfilesFixture.Event(tenant, 11, "Page Viewed", _now)], firstOffset: 1_000 + Orders);
        var profile = await WaitForEventsAsync(tenant, Orders + 1);

        var metrics = profile.GetProperty("metrics");
        Assert.Equal(Orders, metrics.GetProperty("orders").GetInt64());
        Assert.Equal(Orders * 2m, metrics.GetProperty("revenue").GetDecimal());
        Assert.Equal(Orders + 1, metrics.GetProperty("allEvents").GetProperty("count").GetInt64());
    }

    private Task SendFromUpstreamAsync(IReadOnlyList<IdentifiedEvent> events, long firstOffset) =>
        _host.Producer.ProduceAllAsync([.. events.Select((e, i) =>
            OutboundMessage.Create(TopicCatalog.EventsIdentified, PartitionKey.For(e.Event.Tenant, e.PersonId), e) with { Cause = $"{Upstream}/{firstOffset + i}" })]);

    private const string Upstream = "events.raw/3@test-incarnation";

    private Task<JsonElement> WaitForEventsAsync(string tenant, long count) =>
        ProfilesFixture.WaitFor(async () => await _host.ProfileAsync(tenant, "/api/profiles/11") is { } j
            && j.GetProperty("metrics").GetProperty("allEvents").GetProperty("count").GetInt64() >= count ? j : (JsonElement?)null,
            TimeSpan.FromSeconds(60), $"person 11 to have {count} events");
}
