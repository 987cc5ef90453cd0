using Microsoft.Extensions.Time.Testing;
using Streaming.Contracts.Records;

namespace Streaming.Journeys.Tests;

/// <summary>Quiet hours (default 21:00-08:00) hold sends in each person's own time zone.</summary>
public sealed class QuietHours_TimeZoneTests : IAsyncLifetime
{
    private const string Tenant = "t-quiet";
    private JourneysFixture _host = null!;

    public async Task InitializeAsync()
    {
        // 14:00 UTC: 22:00 in Shanghai (quiet), 09:00 in New York (open).
        _host = await JourneysFixture.StartAsync(new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 14, 0, 0, TimeSpan.Zero)));
        await _host.PublishAsync(Tenant, "evening", """
            {"name": "Evening offer", "trigger": {"event": {"name": "Signed Up"}}, "steps": [
              {"id": "offer", "type": "send", "channel": "push", "template": "offer"}]}
            """);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Quiet_hours_hold_the_shanghai_person_until_8_local_and_let_the_new_york_person_through()
    {
        await _host.SendAsync(_host.Consent(Tenant, 81, "Asia/Shanghai"), JourneysFixture.Event(Tenant, 81, "Signed Up", _host.Now));
        await _host.SendAsync(_host.Consent(Tenant, 82, "America/New_York"), JourneysFixture.Event(Tenant, 82, "Signed Up", _host.Now));

        var newYork = await _host.WaitForDispatch(d => d.PersonId == 82, "the New York person's push");
        Assert.Equal(_host.Now, newYork.RequestedAt);
        var held = await _host.WaitForEvent(e => e.PersonId == 81 && e.Kind == JourneyEventKind.Held, "the Shanghai person's push to be held");
        Assert.Contains("Asia/Shanghai", held.Detail, StringComparison.Ordinal);
        var instance = (await _host.GetJsonAsync(Tenant, "/api/journeys/instances?type=userId&value=U81")).GetProperty("instances").EnumerateArray().Single();
        // 08:00 in Shanghai is 00:00 UTC the next day.
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), instance.GetProperty("wakeAt").GetInt64());

        _host.Advance(TimeSpan.FromHours(10));
        var shanghai = await _host.WaitForDispatch(d => d.PersonId == 81, "the Shanghai person's push at 08:00 local");
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), shanghai.RequestedAt);
    }
}
