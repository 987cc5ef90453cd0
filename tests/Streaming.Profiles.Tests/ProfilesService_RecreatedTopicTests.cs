using System.Text.Json;
using Streaming.Contracts.Topics;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.Redis;

namespace Streaming.Profiles.Tests;

/// <summary>
/// A topic created again starts at offset 0 (a new Kafka cluster on the same Redis): the fences
/// of its earlier incarnation must not hide the new events.
/// </summary>
public sealed class ProfilesService_RecreatedTopicTests
{
    [Fact]
    public async Task Profiles_apply_new_events_when_the_topic_was_created_again()
    {
        const string tenant = "t-recreated";
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var redis = await TestRedis.StartAsync();
        using (var kafka = EmbeddedKafka.Start(1, TopicCatalog.All.Select(t => (t.Name, t.Partitions))))
        {
            await using var host = await ProfilesFixture.StartAsync(sharedKafka: kafka, sharedRedis: redis);
            for (var n = 0; n < 5; n++)
                await host.SendAsync(ProfilesFixture.Event(tenant, 3, "Page Viewed", now - 100_000 + n));
            await WaitForEventsAsync(host, tenant, 5);
        }

        using (var kafka = EmbeddedKafka.Start(1, TopicCatalog.All.Select(t => (t.Name, t.Partitions))))
        {
            await using var host = await ProfilesFixture.StartAsync(sharedKafka: kafka, sharedRedis: redis);
            // Offsets 0..2 again: below the old fence (4), but of a new incarnation.
            for (var n = 0; n < 3; n++)
                await host.SendAsync(ProfilesFixture.Event(tenant, 3, "Page Viewed", now - 50_000 + n));
            var profile = await WaitForEventsAsync(host, tenant, 8);
            Assert.Equal(8, profile.GetProperty("metrics").GetProperty("allEvents").GetProperty("count").GetInt64());
        }
    }

    private static Task<JsonElement> WaitForEventsAsync(ProfilesFixture host, string tenant, long count) =>
        ProfilesFixture.WaitFor(async () => await host.ProfileAsync(tenant, "/api/profiles/3") is { } j
            && j.GetProperty("metrics").GetProperty("allEvents").GetProperty("count").GetInt64() >= count ? j : (JsonElement?)null,
            TimeSpan.FromSeconds(30), $"person 3 to have {count} events");
}
