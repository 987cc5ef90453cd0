using Streaming.Contracts.Records;

namespace Streaming.Journeys.Tests;

/// <summary>A third marketing message within 24 h is held (not dropped) and released when the rolling window allows it.</summary>
public sealed class MessagePressure_CapTests : IAsyncLifetime
{
    private const string Tenant = "t-caps";
    private JourneysFixture _host = null!;

    public async Task InitializeAsync()
    {
        _host = await JourneysFixture.StartAsync(settings: new Dictionary<string, string?> { ["Journeys:FrequencyCaps"] = "2/24h" });
        await _host.PublishAsync(Tenant, "three-pushes", """
            {"name": "Three pushes", "trigger": {"event": {"name": "Signed Up"}}, "steps": [
              {"id": "first", "type": "send", "channel": "push", "template": "a"},
              {"id": "second", "type": "send", "channel": "sms", "template": "b"},
              {"id": "third", "type": "send", "channel": "push", "template": "c", "expiresAfter": "3d"},
              {"id": "receipt", "type": "send", "channel": "email", "template": "order-receipt", "mustDeliver": true}
            ]}
            """);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Cap_holds_the_third_message_and_releases_it_when_the_24h_window_opens()
    {
        await _host.SendAsync(_host.Consent(Tenant, 7), JourneysFixture.Event(Tenant, 7, "Signed Up", _host.Now));
        var capped = await _host.WaitForEvent(e => e.PersonId == 7 && e.Kind == JourneyEventKind.Capped, "the third message to be capped");
        Assert.Equal("third", capped.StepId);
        Assert.Contains("2/24h", capped.Detail, StringComparison.Ordinal);
        var instances = await _host.GetJsonAsync(Tenant, "/api/journeys/instances?type=userId&value=U7");
        var instance = instances.GetProperty("instances").EnumerateArray().Single();
        Assert.Equal("third", instance.GetProperty("step").GetString());
        Assert.Equal("hold", instance.GetProperty("waiting").GetString());
        Assert.Equal(_host.Now + 86_400_001, instance.GetProperty("wakeAt").GetInt64());

        _host.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        var third = await _host.WaitForDispatch(d => d.PersonId == 7 && d.StepId == "third", "the held message to be released");
        await _host.WaitForEvent(e => e.PersonId == 7 && e.Kind == JourneyEventKind.Released && e.StepId == "third", "the release to be recorded");
        // The transactional step after it bypasses the caps, sent at once after the release.
        var receipt = await _host.WaitForDispatch(d => d.PersonId == 7 && d.StepId == "receipt", "the mustDeliver receipt");
        Assert.Null(receipt.ExpiresAt);
        // Each step requested once (the tails read four topics, so their order says nothing).
        Assert.Equal(["first", "receipt", "second", "third"], _host.Dispatches.Where(d => d.PersonId == 7).Select(d => d.StepId!).Order().ToArray());
        Assert.Equal(_host.Now, third.RequestedAt);
        Assert.Equal(third.RequestedAt, receipt.RequestedAt);
    }
}
