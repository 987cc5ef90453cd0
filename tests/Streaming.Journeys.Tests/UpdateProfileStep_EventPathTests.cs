using System.Text.Json;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;

namespace Streaming.Journeys.Tests;

/// <summary>
/// An update-profile step sets a trait through the normal event path: an identify call on events.raw,
/// keyed as the gateway keys it, with a message id derived from the step (a replay repeats the same id).
/// Once identity has resolved it, the journeys engine sees the trait like any other.
/// </summary>
public sealed class UpdateProfileStep_EventPathTests : IAsyncLifetime
{
    private const string Tenant = "t-update";
    private JourneysFixture _host = null!;

    public async Task InitializeAsync()
    {
        _host = await JourneysFixture.StartAsync();
        await _host.PublishPingAsync(Tenant);
        await _host.PublishAsync(Tenant, "welcome", """
            {"name": "Welcome", "trigger": {"event": {"name": "Signed Up"}},
             "steps": [{"id": "mark", "type": "updateProfile", "traits": {"welcome_sent": true, "segment": "new"}},
                       {"id": "done", "type": "exit"}]}
            """);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task UpdateProfileStep_sends_an_identify_call_on_events_raw_that_comes_back_as_a_trait()
    {
        await _host.SendAsync(JourneysFixture.Event(Tenant, 51, "Signed Up", _host.Now));
        var identify = await _host.WaitFor(() => _host.RawEvents.FirstOrDefault(e => e.Tenant == Tenant && e.Type == "identify"), "the identify call on events.raw");
        Assert.Equal("U51", identify.UserId);
        using (var traits = JsonDocument.Parse(identify.Traits))
        {
            Assert.True(traits.RootElement.GetProperty("welcome_sent").GetBoolean());
            Assert.Equal("new", traits.RootElement.GetProperty("segment").GetString());
        }
        var updated = await _host.WaitForEvent(e => e.PersonId == 51 && e.Kind == JourneyEventKind.ProfileUpdated, "the profile_updated journey event");
        Assert.Equal("mark", updated.StepId);

        // Identity resolves it to the person (as it does every gateway call): the trait reaches the journeys' state.
        await _host.Producer.ProduceAsync(TopicCatalog.EventsIdentified, PartitionKey.For(Tenant, 51L), new IdentifiedEvent(51, identify) { Identifiers = ["userId:U51"] });
        await _host.PingAsync(Tenant, 51);
        var state = await _host.StateAsync(Tenant, 51);
        Assert.True(state.Traits["welcome_sent"].GetBoolean());
        Assert.Single(_host.RawEvents, e => e.Tenant == Tenant && e.Type == "identify");
    }
}
