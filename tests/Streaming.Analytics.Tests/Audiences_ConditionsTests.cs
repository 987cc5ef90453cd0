using ClickHouse.Driver.Utility;
using Streaming.Analytics.Queries;
using Streaming.Conditions.Model;
using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Consumers;
using static Streaming.Analytics.Tests.Events;

namespace Streaming.Analytics.Tests;

[Collection(ClickHouseCollection.Name)]
public sealed class Audiences_ConditionsTests(ClickHouseFixture fixture)
{
    private static int _offset;

    internal static InboundMessage<ProfileChange> Change(string tenant, long person, string kind, string? tag = null, string? trait = null, string? value = null, int day = 1) =>
        new("profiles.changes", 0, Interlocked.Increment(ref _offset), $"{tenant}:{person}", new ProfileChange
        {
            ChangeId = Guid.NewGuid().ToString(), Tenant = tenant, PersonId = person, Kind = kind, TagId = tag, Trait = trait, NewValue = value,
            At = Day(1, day).ToUnixTimeMilliseconds(),
        }, DateTimeOffset.UtcNow, []);

    [Fact]
    public async Task Audience_finds_current_tag_members_with_traits_and_order_counts_when_conditions_combine()
    {
        var db = await fixture.NewDatabaseAsync();
        const string t = "t";
        await db.ProfileChangesSink().HandleAsync(
        [
            Change(t, 1, ProfileChangeKind.TagEntered, tag: "beauty"), Change(t, 1, ProfileChangeKind.TraitChanged, trait: "age", value: "27"), Change(t, 1, ProfileChangeKind.TraitChanged, trait: "gender", value: "\"female\""),
            Change(t, 2, ProfileChangeKind.TagEntered, tag: "beauty"), Change(t, 2, ProfileChangeKind.TraitChanged, trait: "age", value: "41"), Change(t, 2, ProfileChangeKind.TraitChanged, trait: "gender", value: "\"female\""),
            Change(t, 3, ProfileChangeKind.TagEntered, tag: "beauty", day: 1), Change(t, 3, ProfileChangeKind.TagLeft, tag: "beauty", day: 2),
            Change(t, 3, ProfileChangeKind.TraitChanged, trait: "age", value: "26"), Change(t, 3, ProfileChangeKind.TraitChanged, trait: "gender", value: "\"female\""),
            Change(t, 4, ProfileChangeKind.TagEntered, tag: "beauty"), Change(t, 4, ProfileChangeKind.TraitChanged, trait: "age", value: "29"), Change(t, 4, ProfileChangeKind.TraitChanged, trait: "gender", value: "\"female\""),
            Change(t, 4, ProfileChangeKind.TagEntered, tag: "churned"),
        ], default);
        var now = Day(3, 1);
        await db.StoreAsync([.. Enumerable.Range(0, 3).Select(i => Track(t, 1, "Order Completed", now.AddDays(-i - 1))), Track(t, 4, "Order Completed", now.AddDays(-2)), Track(t, 4, "Order Completed", now.AddDays(-3)), Track(t, 4, "Order Completed", now.AddDays(-4))]);
        var audience = Condition("""
            {"all":[
              {"tag":"beauty"},
              {"trait":"gender","op":"eq","value":"female"},
              {"trait":"age","op":"between","value":[25, 30]},
              {"metric":{"fn":"count","event":{"name":"Order Completed"},"window":"30d"},"op":"gte","value":3},
              {"not":{"tag":"churned"}}
            ]}
            """);

        var (count, sample, problem) = await db.Queries().AudienceAsync(t, audience, 10, now, default);
        var csv = new StringWriter();
        await db.Queries().AudienceCsvAsync(t, audience, now, csv, default);

        Assert.Null(problem);
        Assert.Equal(1, count);
        Assert.Equal([1L], sample);
        Assert.Equal("person_id,user_id\n1,u1\n", csv.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Audience_of_tags_only_follows_leaves_and_reentries_before_and_after_parts_merge()
    {
        var db = await fixture.NewDatabaseAsync();
        const string t = "t";
        // 1: a b c; 2: a b, left c; 3: a, left b, re-entered b, c; 4: b c (no a); 5: a, left a; 6: c only; 7: no tag, an event
        await db.ProfileChangesSink().HandleAsync(
        [
            Change(t, 1, ProfileChangeKind.TagEntered, tag: "a"), Change(t, 1, ProfileChangeKind.TagEntered, tag: "b"), Change(t, 1, ProfileChangeKind.TagEntered, tag: "c"),
            Change(t, 2, ProfileChangeKind.TagEntered, tag: "a"), Change(t, 2, ProfileChangeKind.TagEntered, tag: "b"), Change(t, 2, ProfileChangeKind.TagEntered, tag: "c"),
            Change(t, 3, ProfileChangeKind.TagEntered, tag: "a"), Change(t, 3, ProfileChangeKind.TagEntered, tag: "b"), Change(t, 3, ProfileChangeKind.TagEntered, tag: "c"),
            Change(t, 4, ProfileChangeKind.TagEntered, tag: "b"), Change(t, 4, ProfileChangeKind.TagEntered, tag: "c"),
            Change(t, 5, ProfileChangeKind.TagEntered, tag: "a"),
            Change(t, 6, ProfileChangeKind.TagEntered, tag: "c"),
            Change("other", 1, ProfileChangeKind.TagEntered, tag: "a"),
        ], default);
        // Later changes arrive in a later batch, i.e. another part of tags_current.
        await db.ProfileChangesSink().HandleAsync(
        [
            Change(t, 2, ProfileChangeKind.TagLeft, tag: "c", day: 2),
            Change(t, 3, ProfileChangeKind.TagLeft, tag: "b", day: 2), Change(t, 3, ProfileChangeKind.TagEntered, tag: "b", day: 3),
            Change(t, 5, ProfileChangeKind.TagLeft, tag: "a", day: 2),
        ], default);
        await db.StoreAsync([Track(t, 7, "View", Day(1, 5))]);
        var asOf = Day(2, 1);
        var conditions = new Dictionary<string, (long[] Persons, bool Bitmaps)>
        {
            ["""{"all":[{"tag":"a"},{"tag":"b"},{"tag":"c"}]}"""] = ([1, 3], true),
            ["""{"tag":"a"}"""] = ([1, 2, 3], true),
            ["""{"any":[{"tag":"a"},{"tag":"c"}]}"""] = ([1, 2, 3, 4, 6], true),
            ["""{"all":[{"tag":"b"},{"not":{"tag":"a"}}]}"""] = ([4], true),
            ["""{"all":[{"any":[{"tag":"a"},{"tag":"b"}]},{"not":{"all":[{"tag":"b"},{"tag":"c"}]}}]}"""] = ([2], true),
            // True for a person with no tag: every person of the tenant counts (7 has an event and no tag;
            // 5 left its only tag and has nothing stored, so the tenant no longer knows it), so the general form answers.
            ["""{"not":{"tag":"a"}}"""] = ([4, 6, 7], false),
            ["""{"any":[{"tag":"b"},{"not":{"tag":"c"}}]}"""] = ([1, 2, 3, 4, 7], false),
        };

        async Task AssertAudiences()
        {
            foreach (var (condition, expected) in conditions)
            {
                var chosen = await db.AudienceAsync(t, Condition(condition), asOf);
                var general = await db.AudienceAsync(t, Condition(condition), asOf, bitmaps: false);
                Assert.Equal(expected.Persons, chosen.Persons);
                Assert.Equal(expected.Bitmaps, chosen.Bitmaps);
                Assert.Equal(expected.Persons, general.Persons);
            }
        }
        await AssertAudiences();
        // Superseded rows are still stored (two parts) until a merge; inserts collapse within a batch only.
        Assert.True(await db.ScalarAsync($"SELECT count() FROM {db.Name}.tags_current WHERE tenant = 't'") > 13);

        using (var connection = db.Session.Connect())
            await connection.ExecuteStatementAsync($"OPTIMIZE TABLE {db.Name}.tags_current FINAL");

        Assert.Equal(13, await db.ScalarAsync($"SELECT count() FROM {db.Name}.tags_current WHERE tenant = 't'"));
        await AssertAudiences();
    }

    [Fact]
    public void Old_audience_language_names_the_faulty_part_when_a_condition_is_malformed()
    {
        var (_, unknown) = LegacyAudience.Translate(Json("""{"all":[{"tag":"a"},{"colour":"red"}]}"""));
        var (_, onlyNegative) = LegacyAudience.Translate(Json("""{"not":{"tag":"a"}}"""));
        var (_, badOp) = LegacyAudience.Translate(Json("""{"trait":"age","op":"about","value":"3"}"""));
        var (_, notNumber) = LegacyAudience.Translate(Json("""{"trait":"age","op":"gte","value":"old"}"""));
        var (_, longWindow) = LegacyAudience.Translate(Json("""{"event":"Order","withinDays":365}"""));

        Assert.Contains("condition.all[1]", unknown, StringComparison.Ordinal);
        Assert.Contains("outside 'not'", onlyNegative, StringComparison.Ordinal);
        Assert.Contains("condition.op 'about' is unknown", badOp, StringComparison.Ordinal);
        Assert.Contains("condition.value must be a number for op 'gte'", notNumber, StringComparison.Ordinal);
        Assert.Contains("condition.withinDays 365", longWindow, StringComparison.Ordinal);
        Assert.Contains("\"fn\": \"count\"", longWindow, StringComparison.Ordinal);
    }
}
