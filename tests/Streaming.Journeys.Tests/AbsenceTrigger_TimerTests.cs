using Streaming.Contracts.Records;

namespace Streaming.Journeys.Tests;

/// <summary>"Did A, then not B within T" on the shared durable timers: A without B enters when T is over; A then B never enters.</summary>
public sealed class AbsenceTrigger_TimerTests : IAsyncLifetime
{
    private const string Tenant = "t-absence";
    private JourneysFixture _host = null!;

    public async Task InitializeAsync()
    {
        _host = await JourneysFixture.StartAsync();
        await _host.PublishPingAsync(Tenant);
        await _host.PublishAsync(Tenant, "cart", """
            {"name": "Abandoned cart", "trigger": {"event": {"name": "Product Added"}, "notFollowedBy": {"name": "Order Completed"}, "within": "1h"},
             "steps": [{"id": "reminder", "type": "send", "channel": "push", "template": "cart", "mustDeliver": true, "variables": {"sku": "event.sku"}}]}
            """);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task AbsenceTrigger_enters_after_T_only_the_person_who_did_A_and_not_B()
    {
        await _host.SendAsync(JourneysFixture.Event(Tenant, 41, "Product Added", _host.Now, """{"sku":"S-41"}"""),
            JourneysFixture.Event(Tenant, 42, "Product Added", _host.Now, """{"sku":"S-42"}"""));
        await _host.PingAsync(Tenant, 41);
        await _host.PingAsync(Tenant, 42);
        Assert.Single((await _host.StateAsync(Tenant, 41)).Candidates);
        Assert.DoesNotContain(_host.Dispatches, d => d.JourneyId == "cart");

        _host.Advance(TimeSpan.FromMinutes(20));
        await _host.SendAsync(JourneysFixture.Event(Tenant, 42, "Order Completed", _host.Now));
        await _host.PingAsync(Tenant, 42);
        Assert.Empty((await _host.StateAsync(Tenant, 42)).Candidates);

        _host.Advance(TimeSpan.FromMinutes(41));
        var reminder = await _host.WaitForDispatch(d => d.JourneyId == "cart" && d.PersonId == 41, "person 41's reminder after the hour");
        Assert.Contains("S-41", reminder.Variables, StringComparison.Ordinal);
        // The timer fires once: moving on further and pinging finds no second entry, and 42 never entered.
        _host.Advance(TimeSpan.FromHours(2));
        await _host.PingAsync(Tenant, 41);
        await _host.PingAsync(Tenant, 42);
        Assert.Single(_host.Dispatches, d => d.JourneyId == "cart");
        Assert.DoesNotContain(_host.Events, e => e.JourneyId == "cart" && e.PersonId == 42);
        Assert.Empty((await _host.StateAsync(Tenant, 41)).Candidates);
    }
}
