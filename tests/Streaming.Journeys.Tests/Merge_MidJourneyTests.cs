using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;

namespace Streaming.Journeys.Tests;

/// <summary>An identity merge in the middle of a wait folds the instance onto the survivor: it goes on, and nothing is sent twice.</summary>
public sealed class Merge_MidJourneyTests : IAsyncLifetime
{
    private const string Tenant = "t-merge";
    private JourneysFixture _host = null!;

    public async Task InitializeAsync()
    {
        _host = await JourneysFixture.StartAsync(settings: new Dictionary<string, string?> { ["Journeys:FrequencyCaps"] = "" });
        await _host.PublishPingAsync(Tenant);
        await _host.PublishAsync(Tenant, "two-step", """
            {"name": "Two steps", "trigger": {"event": {"name": "Signed Up"}},
             "steps": [{"id": "hello", "type": "send", "channel": "push", "template": "hello"},
                       {"id": "wait-1d", "type": "delay", "duration": "1d"},
                       {"id": "again", "type": "send", "channel": "push", "template": "again"}]}
            """);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Merge_moves_the_waiting_instance_to_the_survivor_without_a_second_send()
    {
        await _host.SendAsync(_host.Consent(Tenant, 71), JourneysFixture.Event(Tenant, 71, "Signed Up", _host.Now));
        var hello = await _host.WaitForDispatch(d => d.PersonId == 71 && d.StepId == "hello", "the absorbed person's first push");
        await _host.SendAsync(_host.Consent(Tenant, 72));

        await _host.Producer.ProduceAsync(TopicCatalog.IdentityMerges, Contracts.PartitionKey.For(Tenant, 72), new IdentityMerge
        {
            MergeId = "m-71-72", Tenant = Tenant, Outcome = MergeOutcome.Merged, SurvivorPersonId = 72, AbsorbedPersonId = 71,
            CauseMessageId = "cause", IdentifierType = "userId", IdentifierValue = "U71", At = _host.Now,
        });
        await JourneysFixture.WaitUntilAsync(async () => (await _host.StateAsync(Tenant, 72)).Instances.Any(i => i.JourneyId == "two-step"), "the instance to move to the survivor");
        Assert.Empty((await _host.StateAsync(Tenant, 71)).Instances);
        // The survivor signing up again is no second entry: the journey is once per person.
        await _host.SendAsync(JourneysFixture.Event(Tenant, 72, "Signed Up", _host.Now));

        _host.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var again = await _host.WaitForDispatch(d => d.StepId == "again", "the second push after the merge");
        Assert.Equal(72, again.PersonId);
        Assert.Equal(hello.JourneyId, again.JourneyId);
        _host.Advance(TimeSpan.FromMinutes(5));
        await _host.PingAsync(Tenant, 72);
        await _host.PingAsync(Tenant, 71);
        Assert.Single(_host.Dispatches, d => d.StepId == "hello");
        Assert.Single(_host.Dispatches, d => d.StepId == "again");
    }
}
