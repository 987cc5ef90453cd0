using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Streaming.Contracts.Records;
using Streaming.Journeys.Definitions;
using Streaming.Journeys.Engine;
using Streaming.Journeys.History;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Journeys.Tests;

/// <summary>
/// Backtests over known history in chDB, stored through analytics' own sinks: who would have entered
/// (event, "did A, then not B" and scheduled-audience triggers, with an entry condition) and what each
/// step would have requested after consent and the default cap (2 per 24 h).
/// </summary>
[Collection(TestHistory.Collection)]
public sealed class JourneyBacktest_HistoryTests : IAsyncLifetime
{
    private const string Tenant = "bt";
    private static readonly DateTimeOffset From = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2026, 3, 8, 0, 0, 0, TimeSpan.Zero);

    private TestHistory? _history;
    private ServiceProvider? _services;

    public async Task InitializeAsync()
    {
        _history = await TestHistory.StartAsync();
        var services = new ServiceCollection();
        services.AddSingleton(Options.Create(new ClickHouseOptions { ConnectionString = _history.ConnectionString }));
        services.AddSingleton(_history.Session);
        services.AddSingleton(Options.Create(new JourneysOptions()));
        services.AddSingleton<JourneyHistory>();
        services.AddSingleton<JourneySettings>();
        services.AddSingleton<StepRunner>();
        services.AddSingleton<JourneyBacktest>();
        _services = services.BuildServiceProvider();
        await StoreHistoryAsync(_history);
    }

    /// <summary>
    /// Persons 1-5 add a product on 2 March at 10:00 UTC; 2 and 3 order 10 minutes later, 4 two hours
    /// later; 5 is staff (the entry condition keeps staff out); 6 added one in February, 7 after the
    /// range. Persons 1 and 4 consent to push.
    /// </summary>
    private static async Task StoreHistoryAsync(TestHistory history)
    {
        var at = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var events = new List<IdentifiedEvent>();
        foreach (var person in new long[] { 1, 2, 3, 4, 5 })
            events.Add(JourneysFixture.Event(Tenant, person, "Product Added", at));
        events.Add(JourneysFixture.Event(Tenant, 2, "Order Completed", at + 10 * 60_000));
        events.Add(JourneysFixture.Event(Tenant, 3, "Order Completed", at + 10 * 60_000));
        events.Add(JourneysFixture.Event(Tenant, 4, "Order Completed", at + 2 * 3_600_000));
        events.Add(JourneysFixture.Event(Tenant, 6, "Product Added", From.AddDays(-10).ToUnixTimeMilliseconds()));
        events.Add(JourneysFixture.Event(Tenant, 7, "Product Added", To.AddDays(1).ToUnixTimeMilliseconds()));
        await history.StoreAsync([.. events]);
        await history.StoreTraitsAsync(Tenant, at - 86_400_000, (1, "consent_push", "true"), (4, "consent_push", "true"), (5, "plan", "\"staff\""), (2, "plan", "\"pro\""));
    }

    private const string Steps = """
        "entry": {"not": {"trait": "plan", "op": "eq", "value": "staff"}},
        "steps": [
          {"id": "p1", "type": "send", "channel": "push", "template": "t1"},
          {"id": "p2", "type": "send", "channel": "push", "template": "t2"},
          {"id": "p3", "type": "send", "channel": "push", "template": "t3", "expiresAfter": "1h"},
          {"id": "done", "type": "exit"}]
        """;

    private async Task<BacktestResult> RunAsync(string trigger)
    {
        var parsed = JourneyParser.Parse($$"""{"name": "Backtest", "trigger": {{trigger}}, {{Steps}}}""");
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        var (result, problem) = await _services!.GetRequiredService<JourneyBacktest>().RunAsync(Tenant, "cart", 0, parsed.Value!, From, To, CancellationToken.None);
        Assert.Null(problem);
        return result!;
    }

    private static BacktestStep Step(BacktestResult result, string id) => result.Steps.Single(s => s.Id == id);

    [Fact]
    public async Task Backtest_counts_entries_and_messages_after_consent_and_caps_for_an_event_trigger()
    {
        var result = await RunAsync("""{"event": {"name": "Product Added"}}""");

        // 1-4 entered (5 is staff, 6 and 7 are outside the range).
        Assert.Equal(4, result.Persons);
        Assert.Equal(new BacktestStep("p1", "send", 4, 2, 0, 0, 2), Step(result, "p1"));
        Assert.Equal(new BacktestStep("p2", "send", 4, 2, 0, 0, 2), Step(result, "p2"));
        // The third push in 24 h: the cap would hold it past its hour, so it is recorded as expired.
        Assert.Equal(new BacktestStep("p3", "send", 4, 0, 0, 2, 2), Step(result, "p3"));
    }

    [Fact]
    public async Task Backtest_keeps_only_persons_with_no_B_within_T_for_a_did_A_then_not_B_trigger()
    {
        var result = await RunAsync("""{"event": {"name": "Product Added"}, "notFollowedBy": {"name": "Order Completed"}, "within": "1h"}""");

        // 2 and 3 ordered within the hour; 4 ordered after it; 5 is staff.
        Assert.Equal(2, result.Persons);
        Assert.Equal(2, Step(result, "p1").Messages);
    }

    [Fact]
    public async Task Backtest_enters_each_person_once_over_the_runs_of_a_scheduled_audience()
    {
        var result = await RunAsync("""{"schedule": {"cron": "0 12 * * *", "condition": {"metric": {"fn": "count", "event": {"name": "Product Added"}}, "op": "gte", "value": 1}}}""");

        // Every daily run from 1 March selects 6 (February); from 2 March also 1-4; 5 is staff; 7 comes after the range.
        Assert.Equal(5, result.Persons);
        Assert.Equal(5, Step(result, "p1").Reached);
    }

    [Fact]
    public async Task Backtest_refuses_a_trigger_that_history_does_not_keep_naming_it()
    {
        var parsed = JourneyParser.Parse($$"""{"name": "Backtest", "trigger": {"tag": "vip"}, {{Steps}}}""");
        var (result, problem) = await _services!.GetRequiredService<JourneyBacktest>().RunAsync(Tenant, "vip", 0, parsed.Value!, From, To, CancellationToken.None);

        Assert.Null(result);
        Assert.StartsWith("trigger:", problem);
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
            await _services.DisposeAsync();
        if (_history is not null)
            await _history.DisposeAsync();
    }
}
