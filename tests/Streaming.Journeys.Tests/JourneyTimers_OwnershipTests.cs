using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.Redis;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.Journeys.Tests;

/// <summary>A wait survives a restart of the service and a partition moving to another consumer: its timer fires exactly once.</summary>
public sealed class JourneyTimers_OwnershipTests : IAsyncLifetime
{
    private const string Tenant = "t-timers";
    private const string Journey = """
        {"name": "Wait a day", "trigger": {"event": {"name": "Signed Up"}},
         "steps": [{"id": "wait-1d", "type": "delay", "duration": "1d"}, {"id": "hello", "type": "send", "channel": "push", "template": "hello"}]}
        """;

    private EmbeddedKafka _kafka = null!;
    private TestRedis _redis = null!;
    private readonly FakeTimeProvider _clock = new(JourneysFixture.Start);

    public async Task InitializeAsync()
    {
        _kafka = EmbeddedKafka.Start(1, TopicCatalog.All.Select(t => (t.Name, t.Partitions)));
        _redis = await TestRedis.StartAsync();
    }

    public Task DisposeAsync()
    {
        _redis.Dispose();
        _kafka.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Wait_fires_once_after_the_service_restarted_in_the_middle_of_it()
    {
        await using (var first = await JourneysFixture.StartAsync(_clock, _kafka, _redis))
        {
            await first.PublishAsync(Tenant, "wait", Journey);
            await first.SendAsync(first.Consent(Tenant, 51), JourneysFixture.Event(Tenant, 51, "Signed Up", first.Now));
            await first.WaitForEvent(e => e.PersonId == 51 && e.StepId == "wait-1d" && e.Kind == JourneyEventKind.StepStarted, "person 51 to wait");
        }

        await using var second = await JourneysFixture.StartAsync(_clock, _kafka, _redis);
        await second.PublishPingAsync(Tenant);
        await second.PingAsync(Tenant, 52);
        _clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        await second.WaitForDispatch(d => d.PersonId == 51 && d.StepId == "hello", "the wait to fire on the restarted service");
        _clock.Advance(TimeSpan.FromMinutes(5));
        await second.PingAsync(Tenant, 51);
        Assert.Single(second.Dispatches, d => d.PersonId == 51);
    }

    [Fact]
    public async Task Wait_fires_once_at_the_new_owner_when_its_partition_moved_to_another_consumer()
    {
        var persons = Enumerable.Range(60, 24).Select(p => (long)p).ToList();
        await using var first = await JourneysFixture.StartAsync(_clock, _kafka, _redis);
        await first.PublishAsync(Tenant, "wait", Journey);
        await first.PublishPingAsync(Tenant);
        foreach (var person in persons)
            await first.SendAsync(first.Consent(Tenant, person), JourneysFixture.Event(Tenant, person, "Signed Up", first.Now));
        await first.WaitFor(() => persons.All(p => first.Events.Any(e => e.PersonId == p && e.StepId == "wait-1d")) ? "all" : null, "every person to wait");

        await using var second = await JourneysFixture.StartAsync(_clock, _kafka, _redis);
        var name = JourneysExtensions.EventsSubscription(new JourneysOptions().GroupId).Name;
        var firstOwns = first.App.Services.GetRequiredKeyedService<PartitionOwnership>(name);
        var secondOwns = second.App.Services.GetRequiredKeyedService<PartitionOwnership>(name);
        await JourneysFixture.WaitUntil(() => secondOwns.Owned.Count > 0 && firstOwns.Owned.Count + secondOwns.Owned.Count == TopicCatalog.EventsIdentified.Partitions,
            TimeSpan.FromSeconds(60), "the partitions to be shared by both consumers");
        var moved = persons.Where(p => secondOwns.Owned.Contains(KafkaPartitioner.PartitionOf(Contracts.PartitionKey.For(Tenant, p), TopicCatalog.EventsIdentified.Partitions))).ToList();
        Assert.NotEmpty(moved);

        _clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        await first.WaitFor(() => persons.All(p => first.Dispatches.Any(d => d.PersonId == p)) ? "all" : null, "every wait to fire");
        _clock.Advance(TimeSpan.FromMinutes(5));
        foreach (var person in persons)
            await first.PingAsync(Tenant, person);
        Assert.All(persons, p => Assert.Single(first.Dispatches, d => d.PersonId == p));
    }
}
