using Streaming.Contracts.Topics;

namespace Streaming.Identity.Tests.Pipeline;

public sealed class IdentityPipeline_LinkedIdentifiersTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Pipeline_names_each_alias_previousId_under_the_type_it_was_linked_as_when_aliases_share_a_batch()
    {
        await using var bed = await PipelineFixture.StartAsync();
        var runtime = bed.Runtime("identity");
        await runtime.StartAsync(CancellationToken.None);
        try
        {
            await bed.ProduceAsync(bed.Event("m1", "identify", anonymousId: null, userId: "U2"));
            Assert.Single(bed.Read(TopicCatalog.EventsIdentified, 1, Timeout));

            // Two aliases produced together (the previousIds are looked up for the whole batch at once):
            // one names a known userId, the other a device nobody carried yet, linked as an anonymousId.
            await bed.ProduceAsync(
                bed.Event("m2", "alias", anonymousId: null, userId: "U3", previousId: "U2"),
                bed.Event("m3", "alias", anonymousId: null, userId: "U1", previousId: "A9"));

            var identified = bed.Read(TopicCatalog.EventsIdentified, 3, Timeout).ToDictionary(e => e.Value.Event.MessageId, e => e.Value.Identifiers);
            Assert.Equal(["userId:U2"], identified["m1"]);
            Assert.Equal(["userId:U3", "userId:U2"], identified["m2"]);
            Assert.Equal(["userId:U1", "anonymousId:A9"], identified["m3"]);
        }
        finally
        {
            await runtime.StopAsync(CancellationToken.None);
        }
    }
}
