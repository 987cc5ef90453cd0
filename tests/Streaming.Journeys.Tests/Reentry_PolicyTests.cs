using Streaming.Contracts.Records;

namespace Streaming.Journeys.Tests;

/// <summary>Re-entry policies: once ever, again after a cool-down, concurrent per correlation key up to the cap.</summary>
public sealed class Reentry_PolicyTests : IAsyncLifetime
{
    private const string Tenant = "t-reentry";
    private JourneysFixture _host = null!;

    public async Task InitializeAsync()
    {
        _host = await JourneysFixture.StartAsync(settings: new Dictionary<string, string?> { ["Journeys:FrequencyCaps"] = "" });
        await _host.PublishPingAsync(Tenant);
        await _host.PublishAsync(Tenant, "once", """
            {"name": "Once", "trigger": {"event": {"name": "Once"}}, "reentry": {"policy": "once"}, "steps": [{"id": "out", "type": "exit"}]}
            """);
        await _host.PublishAsync(Tenant, "cooldown", """
            {"name": "Cool-down", "trigger": {"event": {"name": "Cool"}}, "reentry": {"policy": "cooldown", "cooldown": "7d"}, "steps": [{"id": "out", "type": "exit"}]}
            """);
        await _host.PublishAsync(Tenant, "orders", """
            {"name": "Per order", "trigger": {"event": {"name": "Order Placed"}}, "reentry": {"policy": "concurrent", "correlationKey": "order_id"}, "maxConcurrent": 2,
             "steps": [{"id": "wait", "type": "delay", "duration": "1d"}]}
            """);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Once_enters_a_person_a_single_time()
    {
        await _host.SendAsync(JourneysFixture.Event(Tenant, 41, "Once", _host.Now), JourneysFixture.Event(Tenant, 41, "Once", _host.Now));
        await _host.PingAsync(Tenant, 41);
        _host.Advance(TimeSpan.FromDays(30));
        await _host.SendAsync(JourneysFixture.Event(Tenant, 41, "Once", _host.Now));
        await _host.PingAsync(Tenant, 41);
        Assert.Equal(1, Entries("once", 41));
    }

    [Fact]
    public async Task Cooldown_enters_again_only_after_the_cooldown()
    {
        await _host.SendAsync(JourneysFixture.Event(Tenant, 42, "Cool", _host.Now));
        await _host.WaitFor(() => Entries("cooldown", 42) == 1 ? "entered" : null, "the first entry");
        _host.Advance(TimeSpan.FromDays(6));
        await _host.SendAsync(JourneysFixture.Event(Tenant, 42, "Cool", _host.Now));
        await _host.PingAsync(Tenant, 42);
        Assert.Equal(1, Entries("cooldown", 42));
        _host.Advance(TimeSpan.FromDays(1));
        await _host.SendAsync(JourneysFixture.Event(Tenant, 42, "Cool", _host.Now));
        await _host.PingAsync(Tenant, 42);
        Assert.Equal(2, Entries("cooldown", 42));
    }

    [Fact]
    public async Task Concurrent_runs_one_instance_per_order_up_to_the_cap()
    {
        await _host.SendAsync(
            JourneysFixture.Event(Tenant, 43, "Order Placed", _host.Now, """{"order_id":"A"}"""),
            JourneysFixture.Event(Tenant, 43, "Order Placed", _host.Now, """{"order_id":"A"}"""),
            JourneysFixture.Event(Tenant, 43, "Order Placed", _host.Now, """{"order_id":"B"}"""),
            JourneysFixture.Event(Tenant, 43, "Order Placed", _host.Now, """{"order_id":"C"}"""));
        await _host.PingAsync(Tenant, 43);
        Assert.Equal(2, Entries("orders", 43));
        var running = (await _host.StateAsync(Tenant, 43)).Instances.Where(i => i.JourneyId == "orders").Select(i => i.Correlation!).Order().ToArray();
        Assert.Equal(["A", "B"], running);
    }

    private int Entries(string journey, long person) =>
        _host.Events.Count(e => e.JourneyId == journey && e.PersonId == person && e.Kind == JourneyEventKind.Entered);
}
