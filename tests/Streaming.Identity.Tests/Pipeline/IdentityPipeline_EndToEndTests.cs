using System.Text;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;

namespace Streaming.Identity.Tests.Pipeline;

public sealed class IdentityPipeline_EndToEndTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Pipeline_publishes_identified_events_and_the_login_merge_and_dead_letters_junk_only_events()
    {
        await using var bed = await PipelineFixture.StartAsync();
        var runtime = bed.Runtime("identity");
        await runtime.StartAsync(CancellationToken.None);
        try
        {
            await bed.ProduceAsync(bed.Event("m1", "track", anonymousId: "A2"));
            Assert.Single(bed.Read(TopicCatalog.EventsIdentified, 1, Timeout));

            var track = bed.Event("m3", "track", anonymousId: "A1", userId: "U1");
            await bed.ProduceAsync(
                bed.Event("m2", "identify", anonymousId: "A1", userId: "U1", traits: """{"phone_hash":"ph1"}"""),
                track,
                bed.Event("m4", "identify", anonymousId: "A2", userId: "U1"),
                bed.Event("m5", "track", anonymousId: "undefined"),
                track with { ReceivedAt = track.ReceivedAt + 1000 }); // the gateway's retry of m3: another offset, same messageId

            var dead = bed.ReadRaw(TopicCatalog.EventsRaw.DeadLetterName, 1, 1, Timeout);
            var identified = bed.Read(TopicCatalog.EventsIdentified, 5, TimeSpan.FromSeconds(5));
            var merges = bed.Read(TopicCatalog.IdentityMerges, 1, Timeout);

            Assert.Equal(["m1", "m2", "m3", "m4"], identified.Select(e => e.Value.Event.MessageId).Order());
            var person = identified.ToDictionary(e => e.Value.Event.MessageId, e => e.Value.PersonId);
            Assert.All(identified, e => Assert.Equal($"{bed.Tenant}:{e.Value.PersonId}", e.Key));
            var merge = Assert.Single(merges).Value;
            Assert.Equal((MergeOutcome.Merged, person["m1"], person["m2"], "m4"), (merge.Outcome, merge.SurvivorPersonId, merge.AbsorbedPersonId, merge.CauseMessageId));
            Assert.Equal(person["m1"], person["m4"]);
            Assert.Equal(person["m1"], await bed.Graph.LookupAsync(bed.Tenant, "phone_hash", "ph1"));
            var reason = Encoding.UTF8.GetString(Assert.Single(dead).Message.Headers.GetLastBytes("dlq.reason"));
            Assert.Contains("anonymousId 'undefined'", reason, StringComparison.Ordinal);
        }
        finally
        {
            await runtime.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Pipeline_restarted_midway_and_replayed_from_the_start_gives_the_same_persons_and_output_ids()
    {
        const int users = 100;
        await using var bed = await PipelineFixture.StartAsync();
        var events = new List<TrackingEvent>();
        for (var u = 0; u < users; u++)
        {
            events.Add(bed.Event($"{u}-a", "track", anonymousId: $"A{u}-1"));
            events.Add(bed.Event($"{u}-b", "track", anonymousId: $"A{u}-2"));
            events.Add(bed.Event($"{u}-c", "identify", anonymousId: $"A{u}-1", userId: $"U{u}"));
            events.Add(bed.Event($"{u}-d", "identify", anonymousId: $"A{u}-2", userId: $"U{u}"));
            events.Add(bed.Event($"{u}-e", "track", anonymousId: $"A{u}-2"));
            events.Add(bed.Event($"{u}-f", "track", anonymousId: $"A{u}-1", userId: $"U{u}"));
        }
        await bed.ProduceAsync(events);

        // First run: stopped midway, restarted with the same group.
        var first = bed.Runtime("identity", maxBatchSize: 20);
        await first.StartAsync(CancellationToken.None);
        await WaitForAsync(() => bed.ReadRaw(TopicCatalog.EventsIdentified.Name, PipelineFixture.Partitions, 150, TimeSpan.FromSeconds(5)).Count >= 150, "the first run to be busy");
        await first.StopAsync(CancellationToken.None);
        var second = bed.Runtime("identity", maxBatchSize: 20);
        await second.StartAsync(CancellationToken.None);
        List<(string Key, IdentifiedEvent Value)> run = [];
        await WaitForAsync(() =>
        {
            run = bed.ReadAll(TopicCatalog.EventsIdentified);
            return run.Select(e => e.Value.Event.MessageId).Distinct().Count() == events.Count;
        }, "every event identified after the restart");
        await second.StopAsync(CancellationToken.None);
        var mergesOfRun = bed.ReadAll(TopicCatalog.IdentityMerges);

        // One live person per user, a different one for every user.
        var personOfUser = new Dictionary<int, long>();
        foreach (var (_, e) in run)
        {
            var live = (await bed.Graph.ReadPersonAsync(bed.Tenant, e.PersonId))!.PersonId;
            var user = int.Parse(e.Event.MessageId.Split('-')[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(personOfUser.GetValueOrDefault(user, live), live);
            personOfUser[user] = live;
        }
        Assert.Equal(users, personOfUser.Values.Distinct().Count());
        Assert.NotEmpty(mergesOfRun);

        // Replay the whole input topic with a new group: the same person for every event, the same merge ids.
        var replay = bed.Runtime("identity-replay");
        await replay.StartAsync(CancellationToken.None);
        List<(string Key, IdentifiedEvent Value)> all = [];
        await WaitForAsync(() =>
        {
            all = bed.ReadAll(TopicCatalog.EventsIdentified);
            return all.Count >= run.Count + events.Count;
        }, "the replay to finish");
        await replay.StopAsync(CancellationToken.None);
        var mergesAfterReplay = bed.ReadAll(TopicCatalog.IdentityMerges);

        Assert.All(all.GroupBy(e => e.Value.Event.MessageId), g => Assert.Single(g.Select(e => (e.Key, e.Value.PersonId)).Distinct()));
        Assert.Equal(mergesOfRun.Select(m => m.Value.MergeId).ToHashSet(), mergesAfterReplay.Select(m => m.Value.MergeId).ToHashSet());
        Assert.All(mergesAfterReplay.GroupBy(m => m.Value.MergeId), g => Assert.Single(g.Select(m => m.Value).Distinct()));
    }

    private static Task WaitForAsync(Func<bool> condition, string what) => Eventually.UntilAsync(condition, what);
}
