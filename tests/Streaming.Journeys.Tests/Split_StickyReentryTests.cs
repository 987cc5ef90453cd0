using Streaming.Contracts.Records;

namespace Streaming.Journeys.Tests;

/// <summary>A person who enters a split journey again gets the same variant (or control) as the first time.</summary>
public sealed class Split_StickyReentryTests : IAsyncLifetime
{
    private const string Tenant = "t-sticky";
    private JourneysFixture _host = null!;

    public async Task InitializeAsync()
    {
        _host = await JourneysFixture.StartAsync(settings: new Dictionary<string, string?> { ["Journeys:FrequencyCaps"] = "" });
        await _host.PublishAsync(Tenant, "winback", """
            {"name": "Win-back", "trigger": {"event": {"name": "Lapsed"}}, "reentry": {"policy": "cooldown", "cooldown": "1d"},
             "steps": [{"id": "offer", "type": "split", "control": 20, "variants": [{"name": "A", "percent": 40, "next": "a"}, {"name": "B", "percent": 40, "next": "b"}]},
                       {"id": "a", "type": "send", "channel": "email", "template": "a", "next": "done"},
                       {"id": "b", "type": "send", "channel": "email", "template": "b", "next": "done"},
                       {"id": "done", "type": "exit"}]}
            """);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Split_gives_each_person_the_same_variant_when_they_enter_again()
    {
        var persons = Enumerable.Range(100, 20).Select(p => (long)p).ToList();
        foreach (var person in persons)
            await _host.SendAsync(_host.Consent(Tenant, person), JourneysFixture.Event(Tenant, person, "Lapsed", _host.Now));
        await _host.WaitFor(() => persons.All(p => Splits(p).Count == 1) ? "all" : null, "every first split");
        _host.Advance(TimeSpan.FromDays(2));
        foreach (var person in persons)
            await _host.SendAsync(JourneysFixture.Event(Tenant, person, "Lapsed", _host.Now));
        await _host.WaitFor(() => persons.All(p => Splits(p).Count == 2) ? "all" : null, "every second split");
        Assert.All(persons, p => Assert.Equal(Splits(p)[0], Splits(p)[1]));
        Assert.Contains(persons, p => Splits(p)[0] == "control");
    }

    private List<string?> Splits(long person) =>
        [.. _host.Events.Where(e => e.PersonId == person && e.Kind == JourneyEventKind.Split).Select(e => e.Detail)];
}
