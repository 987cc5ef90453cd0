using Streaming.Contracts.Records;

namespace Streaming.Journeys.Tests;

/// <summary>A conversion ends the instance at once, wherever it waits: the rest of the journey never runs.</summary>
public sealed class Goal_ConversionTests : IAsyncLifetime
{
    private const string Tenant = "t-goal";
    private JourneysFixture _host = null!;

    public async Task InitializeAsync()
    {
        _host = await JourneysFixture.StartAsync();
        await _host.PublishPingAsync(Tenant);
        await _host.PublishAsync(Tenant, "cart", """
            {"name": "Cart", "trigger": {"event": {"name": "Product Added"}}, "goal": {"event": {"name": "Order Completed"}, "within": "7d"},
             "steps": [{"id": "wait-3d", "type": "delay", "duration": "3d"}, {"id": "reminder", "type": "send", "channel": "push", "template": "cart"}]}
            """);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Goal_ends_the_instance_as_converted_in_the_middle_of_a_3_day_wait()
    {
        foreach (var person in new long[] { 31, 32 })
            await _host.SendAsync(_host.Consent(Tenant, person), JourneysFixture.Event(Tenant, person, "Product Added", _host.Now));
        await _host.WaitForEvent(e => e.PersonId == 31 && e.Kind == JourneyEventKind.StepStarted && e.StepId == "wait-3d", "person 31 to wait");
        await _host.WaitForEvent(e => e.PersonId == 32 && e.Kind == JourneyEventKind.StepStarted && e.StepId == "wait-3d", "person 32 to wait");

        _host.Advance(TimeSpan.FromDays(1));
        await _host.SendAsync(JourneysFixture.Event(Tenant, 31, "Order Completed", _host.Now));
        var converted = await _host.WaitForEvent(e => e.PersonId == 31 && e.Kind == JourneyEventKind.Converted, "person 31 to convert");
        Assert.Equal("wait-3d", converted.StepId);
        Assert.DoesNotContain((await _host.StateAsync(Tenant, 31)).Instances, i => i.JourneyId == "cart");

        _host.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        await _host.WaitForDispatch(d => d.PersonId == 32 && d.StepId == "reminder", "person 32's reminder after the wait");
        _host.Advance(TimeSpan.FromMinutes(5));
        await _host.PingAsync(Tenant, 31);
        Assert.DoesNotContain(_host.Dispatches, d => d.PersonId == 31);
        var stats = await _host.GetJsonAsync(Tenant, "/api/journeys/cart/stats");
        Assert.Equal(1, stats.GetProperty("converted").GetInt64());
    }
}
