using Microsoft.Extensions.DependencyInjection;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Profiles.Model;
using Streaming.Profiles.Pipeline;
using Streaming.Profiles.Storage;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.Profiles.Tests;

/// <summary>The events handler on real Redis with hand-made batches: one load and one write call per batch, each person still its own compare-and-set.</summary>
public sealed class EventsHandler_BatchTests : IAsyncLifetime
{
    private const string Topic = "events.identified";
    private ProfilesFixture _host = null!;
    private readonly long _now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public async Task InitializeAsync() => _host = await ProfilesFixture.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private ProfilePipeline Handler => _host.App.Services.GetRequiredService<ProfilePipeline>();
    private ProfileStore Store => _host.App.Services.GetRequiredService<ProfileStore>();

    private InboundMessage<IdentifiedEvent> Message(string tenant, int partition, long offset, long personId, string name = "Order Completed") =>
        new(Topic, partition, offset, $"{tenant}:{personId}",
            ProfilesFixture.Event(tenant, personId, name, _now - 1000 + offset, """{"revenue": 10}"""), DateTime.UtcNow, []);

    private async Task<long> CountAsync(string tenant, long personId) =>
        (await Store.LoadAsync(tenant, personId)).State.Slots.GetValueOrDefault("*")?.Count ?? 0;

    [Fact]
    public async Task A_batch_lands_an_absorbed_persons_events_on_the_survivor_in_offset_order_and_a_redelivery_changes_nothing()
    {
        const string tenant = "t-batch";
        await _host.PutTagAsync(tenant, "buyer", """{"name":"Buyer","condition":{"metric":{"fn":"count","event":{"name":"Order Completed"},"window":"7d"},"op":"gte","value":3}}""");
        // Person 2 was merged into person 1: only a redirect is left of it.
        Assert.True(await Store.TrySaveAsync([(new StoredProfile(tenant, 2, 0, new ProfileState { MergedInto = 1 }), false)], []));
        InboundMessage<IdentifiedEvent>[] batch = [.. new long[] { 1, 2, 3, 1, 2, 3 }.Select((person, offset) => Message(tenant, 0, offset, person))];

        var outcomes = await Handler.HandleAsync(batch, CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(OutcomeKind.Continue, o.Kind));
        Assert.Equal(4, await CountAsync(tenant, 1));
        Assert.Equal(2, await CountAsync(tenant, 3));
        Assert.Equal(1, (await Store.LoadAsync(tenant, 2)).State.MergedInto);
        // The survivor's third order (offset 3) made it a buyer; the cause is that message.
        var entered = outcomes.SelectMany(o => o.Outputs).Select(m => (ProfileChange)m.Payload!).Single(c => c.Kind == ProfileChangeKind.TagEntered);
        Assert.Equal((1L, "buyer", batch[3].Value.Event.MessageId), (entered.PersonId, entered.TagId, entered.CauseMessageId));

        var again = await Handler.HandleAsync(batch, CancellationToken.None);

        Assert.Equal(4, await CountAsync(tenant, 1));
        Assert.Equal(2, await CountAsync(tenant, 3));
        Assert.Equal(Ids(outcomes), Ids(again));
    }

    [Fact]
    public async Task Batches_of_two_partitions_writing_the_same_people_at_once_lose_no_event()
    {
        const string tenant = "t-race";
        const int people = 40, rounds = 10;
        for (var round = 0; round < rounds; round++)
        {
            var first = Enumerable.Range(1, people).Select(p => Message(tenant, 0, round * people + p, p, "Page Viewed")).ToList();
            var second = Enumerable.Range(1, people).Select(p => Message(tenant, 1, round * people + p, p, "Page Viewed")).ToList();
            await Task.WhenAll(Handler.HandleAsync(first, CancellationToken.None), Handler.HandleAsync(second, CancellationToken.None));
        }
        for (var p = 1; p <= people; p++)
            Assert.Equal(2 * rounds, await CountAsync(tenant, p));
    }

    [Fact]
    public async Task A_profile_another_instance_wrote_since_is_reloaded_not_overwritten_from_this_instances_cache()
    {
        const string tenant = "t-cache";
        var services = _host.App.Services;
        // A second instance: its own store and cache over the same Redis (a partition that moved and came back).
        var other = new ProfilePipeline(new ProfileStore(services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>()),
            services.GetRequiredService<Streaming.Profiles.Tags.TagCatalog>(), services.GetRequiredService<Streaming.Profiles.Timers.TagTimers>(), TimeProvider.System);

        await Handler.HandleAsync([Message(tenant, 0, 0, 7)], CancellationToken.None);
        await other.HandleAsync([Message(tenant, 1, 0, 7)], CancellationToken.None);
        var hits = Store.Cache.Hits;
        await Handler.HandleAsync([Message(tenant, 0, 1, 7)], CancellationToken.None);

        Assert.Equal(hits + 1, Store.Cache.Hits);
        Assert.Equal(3, await CountAsync(tenant, 7));
        var state = (await Store.LoadAsync(tenant, 7)).State;
        Assert.Equal(1, state.Fences[$"{Topic}/0"]);
        Assert.Equal(0, state.Fences[$"{Topic}/1"]);
    }

    private static List<string> Ids(IReadOnlyList<HandlerOutcome> outcomes) =>
        [.. outcomes.SelectMany(o => o.Outputs).Select(m => ((ProfileChange)m.Payload!).ChangeId)];
}
