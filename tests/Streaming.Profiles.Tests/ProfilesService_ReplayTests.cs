using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Profiles.Pipeline;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Profiles.Tests;

public sealed class ProfilesService_ReplayTests : IAsyncLifetime
{
    private ProfilesFixture _host = null!;
    private readonly long _now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public async Task InitializeAsync() => _host = await ProfilesFixture.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Replaying_the_whole_topic_changes_no_profile_and_repeats_only_known_change_ids()
    {
        const string tenant = "t-replay";
        const int people = 20, perPerson = 25;
        await _host.PutTagAsync(tenant, "buyer", """{"name":"Buyer","condition":{"metric":{"fn":"sum","event":{"name":"Order Completed"},"property":"revenue","window":"7d"},"op":"gte","value":100}}""");
        var events = new List<IdentifiedEvent>();
        for (var n = 0; n < perPerson; n++)
        {
            for (var p = 1; p <= people; p++)
                events.Add(ProfilesFixture.Event(tenant, p, n % 2 == 0 ? "Order Completed" : "Page Viewed", _now - 100_000 + n, """{"revenue": 10, "$set": {"step": N}}""".Replace("N", n.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)));
        }

        await _host.SendAsync([.. events]);
        var before = new List<string>();
        for (var p = 1; p <= people; p++)
        {
            var person = p;
            var profile = await ProfilesFixture.WaitFor(async () => await _host.ProfileAsync(tenant, $"/api/profiles/{person}") is { } j
                && j.GetProperty("metrics").GetProperty("allEvents").GetProperty("count").GetInt64() == perPerson ? j : (JsonElement?)null,
                TimeSpan.FromSeconds(30), $"person {person} to have every event");
            before.Add(profile.GetRawText());
        }
        await _host.WaitForChangesSettledAsync(TimeSpan.FromSeconds(60));
        var idsBefore = _host.Changes.Select(c => c.ChangeId).ToHashSet();
        Assert.Equal(people, _host.Changes.Count(c => c.Kind == ProfileChangeKind.TagEntered));

        // A second consumer group reads events.identified from the start with the service's own handler.
        var services = _host.App.Services;
        var handler = new CountingHandler<IdentifiedEvent>(services.GetRequiredService<ProfilePipeline>());
        var replay = new ConsumerRuntime<IdentifiedEvent>(new Subscription<IdentifiedEvent>(TopicCatalog.EventsIdentified, "profiles-replay"),
            handler, services.GetRequiredService<Streaming.Contracts.Avro.TopicSerdes>(), services.GetRequiredService<IEventProducer>(), services.GetRequiredService<IOptions<KafkaOptions>>().Value, TimeProvider.System, NullLoggerFactory.Instance);
        await replay.StartAsync(CancellationToken.None);
        try
        {
            await ProfilesFixture.WaitFor(() => Task.FromResult(handler.Seen >= events.Count ? true : (bool?)null), TimeSpan.FromSeconds(30), "the replay to finish");
        }
        finally
        {
            await replay.StopAsync(CancellationToken.None);
        }
        await _host.WaitForChangesSettledAsync(TimeSpan.FromSeconds(60));

        for (var p = 1; p <= people; p++)
            Assert.Equal(before[p - 1], (await _host.ProfileAsync(tenant, $"/api/profiles/{p}"))!.Value.GetRawText());
        Assert.All(_host.Changes, c => Assert.Contains(c.ChangeId, idsBefore));
    }
}
