using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Streaming.Contracts.Records;
using Streaming.Journeys.History;

namespace Streaming.Journeys.Tests;

/// <summary>
/// A scheduled audience: at the cron time the condition is evaluated on ClickHouse (chDB, history
/// stored by analytics' sinks) and the persons it selects enter once per run — a run repeated after
/// a crash (its next run not yet stored) enters nobody twice; the next day's run enters again.
/// </summary>
[Collection(TestHistory.Collection)]
public sealed class ScheduledAudience_RunTests : IAsyncLifetime
{
    private const string Tenant = "t-schedule";
    private TestHistory _history = null!;
    private JourneysFixture _host = null!;

    public async Task InitializeAsync()
    {
        _history = await TestHistory.StartAsync();
        var day = JourneysFixture.Start.AddDays(-1).ToUnixTimeMilliseconds();
        await _history.StoreAsync(
            JourneysFixture.Event(Tenant, 61, "Product Added", day),
            JourneysFixture.Event(Tenant, 62, "Product Added", day),
            JourneysFixture.Event(Tenant, 63, "Page Viewed", day));
        _host = await JourneysFixture.StartAsync(settings: _history.Settings);
        await _host.PublishAsync(Tenant, "daily", """
            {"name": "Daily cart nudge", "trigger": {"schedule": {"cron": "0 12 * * *", "condition": {"metric": {"fn": "count", "event": {"name": "Product Added"}}, "op": "gte", "value": 1}}},
             "reentry": {"policy": "cooldown", "cooldown": "1h"},
             "steps": [{"id": "nudge", "type": "send", "channel": "push", "template": "cart", "mustDeliver": true}]}
            """);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _history.DisposeAsync();
    }

    private IDatabase Redis => _host.App.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

    private static string Key => ScheduledAudiences.Key(Tenant, "daily");

    private int Nudges(long person) => _host.Dispatches.Count(d => d.JourneyId == "daily" && d.PersonId == person);

    [Fact]
    public async Task ScheduledAudience_enters_the_selected_persons_once_per_run()
    {
        // The runner first sees the journey (10:00) and stores its first run: today 12:00.
        var noon = new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        _host.Advance(ScheduledAudiences.CheckEvery);
        await JourneysFixture.WaitUntilAsync(async () => (long?)await Redis.HashGetAsync(Key, "next") == noon, "the first run to be planned at noon");

        _host.Advance(TimeSpan.FromHours(2));
        await _host.WaitForDispatch(d => d.JourneyId == "daily" && d.PersonId == 61, "person 61's nudge");
        await _host.WaitForDispatch(d => d.JourneyId == "daily" && d.PersonId == 62, "person 62's nudge");
        await JourneysFixture.WaitUntilAsync(async () => (long?)await Redis.HashGetAsync(Key, "last") == noon, "the noon run to finish");

        // A crash before the next run was stored, found again after the cool-down: the same run enters nobody a second time.
        await Redis.HashSetAsync(Key, "next", noon);
        _host.Advance(TimeSpan.FromHours(2));
        await JourneysFixture.WaitUntilAsync(async () => (long?)await Redis.HashGetAsync(Key, "next") > noon, "the repeated run to finish");
        await _host.PublishPingAsync(Tenant);
        await _host.PingAsync(Tenant, 61);
        await _host.PingAsync(Tenant, 62);
        Assert.Equal(1, Nudges(61));
        Assert.Equal(1, Nudges(62));
        Assert.Equal(0, Nudges(63));

        // The next day's run is another run: the cool-down is over, both enter again.
        _host.Advance(TimeSpan.FromDays(1));
        await _host.WaitFor(() => Nudges(61) == 2 && Nudges(62) == 2 ? "both" : null, "the next day's nudges");
        Assert.Equal(0, Nudges(63));
    }
}
