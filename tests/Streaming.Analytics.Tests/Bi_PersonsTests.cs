using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Consumers;
using static Streaming.Analytics.Tests.Events;

namespace Streaming.Analytics.Tests;

/// <summary><c>bi.persons</c> holds every person seen in events, after merges, with traits and tags when they have them.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class Bi_PersonsTests(ClickHouseFixture fixture)
{
    [Fact]
    public async Task Bi_persons_lists_every_person_of_bi_events_once_with_traits_and_tags_only_where_they_exist()
    {
        var db = await fixture.NewDatabaseAsync();
        var bi = db.Session.BiDatabase;
        // 1..40 with events only; 41 with a trait, 42 with a tag; 43 merged into 1; an anonymous visitor.
        var events = Enumerable.Range(1, 43).Select(p => Track("t", p, "Page Viewed", Day(1, 1 + p % 20))).ToList();
        events.Add(new IdentifiedEvent(44, new TrackingEvent
        {
            MessageId = "anon-1", Type = "page", Name = "Home", Tenant = "t", Source = "test", AnonymousId = "a-44",
            Timestamp = Day(1, 2).ToUnixTimeMilliseconds(), ReceivedAt = Day(1, 2).ToUnixTimeMilliseconds(),
        }));
        events.Add(Track("other", 1, "Page Viewed", Day(1, 2)));
        await db.StoreAsync(events);
        await db.ProfileChangesSink().HandleAsync(
        [
            Change(new ProfileChange { ChangeId = "c1", Tenant = "t", PersonId = 41, Kind = ProfileChangeKind.TraitChanged, Trait = "plan", NewValue = "\"pro\"", At = Day(1, 3).ToUnixTimeMilliseconds() }, 0),
            Change(new ProfileChange { ChangeId = "c2", Tenant = "t", PersonId = 42, Kind = ProfileChangeKind.TagEntered, TagId = "vip", At = Day(1, 3).ToUnixTimeMilliseconds() }, 1),
        ], default);
        await db.MergesSink().HandleAsync(
        [
            new InboundMessage<IdentityMerge>("identity.merges", 0, 0, "k", new IdentityMerge
            {
                MergeId = "m43", Tenant = "t", Outcome = MergeOutcome.Merged, SurvivorPersonId = 1, AbsorbedPersonId = 43,
                CauseMessageId = "c43", IdentifierType = "userId", IdentifierValue = "u1", At = Day(1, 4).ToUnixTimeMilliseconds(),
            }, DateTimeOffset.UtcNow, []),
        ], default);

        Assert.Equal(43, await db.ScalarAsync($"SELECT uniqExact(person_id) FROM {bi}.events WHERE tenant = 't'"));
        Assert.Equal(43, await db.ScalarAsync($"SELECT count() FROM {bi}.persons WHERE tenant = 't'"));
        Assert.Equal(0, await db.ScalarAsync($"SELECT count() FROM {bi}.persons WHERE tenant = 't' AND person_id = 43"));
        Assert.Equal(0, await db.ScalarAsync(
            $"SELECT count() FROM (SELECT DISTINCT person_id FROM {bi}.events WHERE tenant = 't') AS e LEFT ANTI JOIN (SELECT person_id FROM {bi}.persons WHERE tenant = 't') AS p USING person_id"));
        Assert.Equal(1, await db.ScalarAsync($"SELECT count() FROM {bi}.persons WHERE tenant = 't' AND traits['plan'] = '\"pro\"' AND person_id = 41"));
        Assert.Equal(1, await db.ScalarAsync($"SELECT count() FROM {bi}.persons WHERE tenant = 't' AND has(tags, 'vip') AND person_id = 42"));
        Assert.Equal(41, await db.ScalarAsync($"SELECT count() FROM {bi}.persons WHERE tenant = 't' AND empty(traits) AND empty(tags)"));
        Assert.Equal(1, await db.ScalarAsync($"SELECT count() FROM {bi}.persons WHERE tenant = 'other'"));
    }

    private static InboundMessage<ProfileChange> Change(ProfileChange change, long offset) =>
        new("profiles.changes", 0, offset, "k", change, DateTimeOffset.UtcNow, []);
}
