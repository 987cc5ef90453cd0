using Streaming.Contracts;
using Streaming.Contracts.Topics;
using Streaming.ServiceDefaults.Kafka;

namespace Streaming.Identity.Tests.Pipeline;

/// <summary>
/// The platform's own events about a known person (a click on a tracked message link: no user id, no
/// device, the person in the <c>streaming-person</c> header) take the normal path through identity.
/// </summary>
public sealed class IdentityPipeline_KnownPersonTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Pipeline_attributes_a_platform_event_to_the_named_person_or_its_survivor_and_fences_it_like_any_event()
    {
        await using var bed = await PipelineFixture.StartAsync();
        var runtime = bed.Runtime("identity");
        await runtime.StartAsync(CancellationToken.None);
        try
        {
            // Two persons, then an identify that merges the younger into the older.
            await bed.ProduceAsync(bed.Event("m1", "identify", anonymousId: "A1", userId: "U1"));
            var first = Assert.Single(bed.Read(TopicCatalog.EventsIdentified, 1, Timeout)).Value.PersonId;
            await bed.ProduceAsync(bed.Event("m2", "track", anonymousId: "A2"));
            var second = bed.Read(TopicCatalog.EventsIdentified, 2, Timeout).Select(e => e.Value.PersonId).Single(p => p != first);
            await bed.ProduceAsync(bed.Event("m3", "identify", anonymousId: "A2", userId: "U1"));
            Assert.Equal(3, bed.Read(TopicCatalog.EventsIdentified, 3, Timeout).Count);

            // A click for each person, one of them twice (the same message id: a repeated click).
            await bed.Producer.ProduceAllAsync(
            [
                Clicked(bed, "click-1", first),
                Clicked(bed, "click-2", second),
                Clicked(bed, "click-2", second),
            ]);

            var clicks = bed.ReadAll(TopicCatalog.EventsIdentified).Select(e => e.Value).Where(e => e.Event.MessageId.StartsWith("click-", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, clicks.Count);
            Assert.All(clicks, c => Assert.Equal(first, c.PersonId));
            Assert.All(clicks, c => Assert.Empty(c.Identifiers));
            // Nobody new was made for them: the graph's person counter is where the two persons left it.
            Assert.Equal(second, (long)await bed.Connection.GetDatabase().StringGetAsync($"{{t:{bed.Tenant}}}:seq"));
        }
        finally
        {
            await runtime.StopAsync(CancellationToken.None);
        }
    }

    private static OutboundMessage Clicked(PipelineFixture bed, string messageId, long personId) =>
        OutboundMessage.Create(TopicCatalog.EventsRaw, PartitionKey.For(bed.Tenant, personId), bed.Event(messageId, "track", anonymousId: null) with { Source = "dispatch" })
            with { Person = personId };
}
