using CsCheck;
using Streaming.Contracts.Records;
using static Streaming.Analytics.Tests.Events;

namespace Streaming.Analytics.Tests;

/// <summary>
/// Conditions of tags only are answered from tag bitmaps when they need a tag; random conditions
/// over four tags select, on real chDB, the same persons from the bitmaps as from the general form.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class TagBitmaps_MatchGeneralFormTests(ClickHouseFixture fixture)
{
    private static readonly string[] Tags = ["a", "b", "c", "d"];

    private static readonly Gen<string> TagCondition = Gen.Recursive<string>((depth, node) => depth >= 3
        ? Gen.OneOf(Tags).Select(t => $$"""{"tag":"{{t}}"}""")
        : Gen.Frequency(
            (3, Gen.OneOf(Tags).Select(t => $$"""{"tag":"{{t}}"}""")),
            (2, Gen.Select(Gen.OneOf("all", "any"), node.Array[0, 3], (k, items) => $$"""{"{{k}}":[{{string.Join(",", items)}}]}""")),
            (1, node.Select(inner => $$"""{"not":{{inner}}}"""))));

    [Fact]
    public async Task Bitmap_form_selects_the_same_persons_as_the_general_form_when_a_condition_is_made_of_tags()
    {
        var db = await fixture.NewDatabaseAsync();
        const string t = "t";
        var random = new Random(16);
        var changes = new List<Streaming.ServiceDefaults.Consumers.InboundMessage<ProfileChange>>();
        for (var person = 1; person <= 40; person++)
        {
            foreach (var tag in Tags.Where(_ => random.Next(2) == 0))
            {
                changes.Add(Audiences_ConditionsTests.Change(t, person, ProfileChangeKind.TagEntered, tag: tag));
                if (random.Next(4) == 0)
                    changes.Add(Audiences_ConditionsTests.Change(t, person, ProfileChangeKind.TagLeft, tag: tag, day: 2));
            }
        }
        await db.ProfileChangesSink().HandleAsync(changes, default);
        // Persons 41..45 have events and no tag: only conditions that hold without a tag select them.
        await db.StoreAsync([.. Enumerable.Range(41, 5).Select(p => Track(t, p, "View", Day(1, 5)))]);
        var asOf = Day(2, 1);
        var bitmapsUsed = 0;

        await TagCondition.SampleAsync(async json =>
        {
            var chosen = await db.AudienceAsync(t, Condition(json), asOf);
            var general = await db.AudienceAsync(t, Condition(json), asOf, bitmaps: false);
            Assert.True(chosen.Persons.SequenceEqual(general.Persons), $"{json}: bitmaps [{string.Join(",", chosen.Persons)}], general [{string.Join(",", general.Persons)}]");
            if (chosen.Bitmaps)
                Interlocked.Increment(ref bitmapsUsed);
        }, iter: 60, threads: 1);

        Assert.True(bitmapsUsed > 10, $"the bitmap form answered {bitmapsUsed} of 60 conditions");
    }
}
