using Streaming.Analytics.Queries;
using Streaming.Conditions.Model;
using Streaming.Contracts.Records;
using static Streaming.Analytics.Tests.Events;

namespace Streaming.Analytics.Tests;

/// <summary>
/// Every operator and shape of the old audience language (read for one release) selects, on real
/// chDB, the same persons as its form in the condition language, and the persons the old language
/// selected.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class LegacyAudience_SameAudienceAsNewFormTests(ClickHouseFixture fixture)
{
    private const string T = "t";
    private static readonly DateTimeOffset Now = Day(3, 10);

    // (old form, the same in the condition language, the persons)
    private static readonly (string Old, string New, long[] Persons)[] Pairs =
    [
        ("""{"tag":"vip"}""", """{"tag":"vip"}""", [1, 2, 4]),
        ("""{"trait":"plan","op":"eq","value":"gold"}""", """{"trait":"plan","op":"eq","value":"gold"}""", [1, 3]),
        ("""{"trait":"plan","value":"gold"}""", """{"trait":"plan","op":"eq","value":"gold"}""", [1, 3]),
        ("""{"trait":"plan","op":"neq","value":"gold"}""", """{"trait":"plan","op":"ne","value":"gold"}""", [2]),
        ("""{"trait":"age","op":"gt","value":"35"}""", """{"trait":"age","op":"gt","value":35}""", [2]),
        ("""{"trait":"age","op":"gte","value":"35"}""", """{"trait":"age","op":"gte","value":35}""", [2, 3]),
        ("""{"trait":"age","op":"lt","value":35}""", """{"trait":"age","op":"lt","value":35}""", [1]),
        ("""{"trait":"age","op":"lte","value":"35"}""", """{"trait":"age","op":"lte","value":35}""", [1, 3]),
        ("""{"trait":"city","op":"contains","value":"Par"}""", """{"trait":"city","op":"contains","value":"Par"}""", [1, 2]),
        ("""{"event":"Order Completed","atLeast":3}""",
            """{"metric":{"fn":"count","event":{"name":"Order Completed"}},"op":"gte","value":3}""", [1, 2]),
        ("""{"event":"Order Completed","atLeast":2,"withinDays":30}""",
            """{"metric":{"fn":"count","event":{"name":"Order Completed"},"window":"30d"},"op":"gte","value":2}""", [1, 3]),
        ("""{"event":"Order Completed","where":[{"property":"category","op":"eq","value":"beauty"}]}""",
            """{"metric":{"fn":"count","event":{"name":"Order Completed","where":[{"path":"category","op":"eq","value":"beauty"}]}},"op":"gte","value":1}""", [1, 2]),
        ("""{"event":"Order Completed","where":[{"property":"category","op":"neq","value":"toys"}]}""",
            """{"metric":{"fn":"count","event":{"name":"Order Completed","where":[{"path":"category","op":"ne","value":"toys"}]}},"op":"gte","value":1}""", [1, 2]),
        ("""{"event":"Order Completed","where":[{"property":"revenue","op":"gt","value":"50"}]}""",
            """{"metric":{"fn":"count","event":{"name":"Order Completed","where":[{"path":"revenue","op":"gt","value":50}]}},"op":"gte","value":1}""", [1, 2]),
        ("""{"event":"Order Completed","where":[{"property":"revenue","op":"gte","value":"100"}]}""",
            """{"metric":{"fn":"count","event":{"name":"Order Completed","where":[{"path":"revenue","op":"gte","value":100}]}},"op":"gte","value":1}""", [2]),
        ("""{"event":"Order Completed","where":[{"property":"revenue","op":"lt","value":"10"}]}""",
            """{"metric":{"fn":"count","event":{"name":"Order Completed","where":[{"path":"revenue","op":"lt","value":10}]}},"op":"gte","value":1}""", [1]),
        ("""{"event":"Order Completed","where":[{"property":"revenue","op":"lte","value":"10"}]}""",
            """{"metric":{"fn":"count","event":{"name":"Order Completed","where":[{"path":"revenue","op":"lte","value":10}]}},"op":"gte","value":1}""", [1, 3]),
        ("""{"event":"Order Completed","where":[{"property":"category","op":"contains","value":"eau"}]}""",
            """{"metric":{"fn":"count","event":{"name":"Order Completed","where":[{"path":"category","op":"contains","value":"eau"}]}},"op":"gte","value":1}""", [1, 2]),
        ("""{"all":[{"tag":"vip"},{"not":{"tag":"churned"}}]}""", """{"all":[{"tag":"vip"},{"not":{"tag":"churned"}}]}""", [1, 4]),
        // The old language drew persons from the parts outside "not": the new form says so.
        ("""{"any":[{"tag":"churned"},{"not":{"trait":"plan","op":"eq","value":"gold"}}]}""",
            """{"all":[{"any":[{"tag":"churned"},{"not":{"trait":"plan","op":"eq","value":"gold"}}]},{"tag":"churned"}]}""", [2]),
        ("""{"any":[{"event":"Order Completed","atLeast":3},{"trait":"plan","op":"eq","value":"silver"}]}""",
            """{"any":[{"metric":{"fn":"count","event":{"name":"Order Completed"}},"op":"gte","value":3},{"trait":"plan","op":"eq","value":"silver"}]}""", [1, 2]),
    ];

    [Fact]
    public async Task Old_audience_forms_select_the_same_persons_as_their_new_forms_when_read_into_the_condition_language()
    {
        var db = await fixture.NewDatabaseAsync();
        await db.ProfileChangesSink().HandleAsync(
        [
            Trait(1, "plan", "\"gold\""), Trait(1, "age", "27"), Trait(1, "city", "\"Paris\""),
            Trait(2, "plan", "\"silver\""), Trait(2, "age", "41"), Trait(2, "city", "\"Parma\""),
            Trait(3, "plan", "\"gold\""), Trait(3, "age", "35"), Trait(3, "city", "\"Lyon\""),
            Tag(1, "vip"), Tag(2, "vip"), Tag(2, "churned"), Tag(4, "vip"),
        ], default);
        await db.StoreAsync(
        [
            Order(1, -1, "beauty", 60), Order(1, -3, "Beauty", 20), Order(1, -9, "food", 5),
            Order(2, -5, "beauty", 100), Order(2, -60, "food", 30), Order(2, -61, "food", 30),
            Order(3, -2, "toys", 10), Order(3, -2, "toys", 10),
        ]);

        var wrong = new List<string>();
        foreach (var (old, replacement, persons) in Pairs)
        {
            var (translated, problem) = LegacyAudience.Translate(Json(old));
            Assert.True(problem is null, $"{old}: {problem}");
            var viaOld = await db.AudienceAsync(T, new ConditionDocument(translated!, TimeZoneInfo.Utc), Now);
            var viaNew = await db.AudienceAsync(T, Condition(replacement), Now);
            if (!viaOld.Persons.SequenceEqual(persons) || !viaNew.Persons.SequenceEqual(persons))
                wrong.Add($"{old}: old form [{string.Join(",", viaOld.Persons)}], new form [{string.Join(",", viaNew.Persons)}], expected [{string.Join(",", persons)}]");
        }

        Assert.Empty(wrong);
    }

    private static IdentifiedEvent Order(long person, int days, string category, int revenue) =>
        Track(T, person, "Order Completed", Now.AddDays(days), $$"""{"category":"{{category}}","revenue":{{revenue}}}""");

    private static Streaming.ServiceDefaults.Consumers.InboundMessage<ProfileChange> Trait(long person, string trait, string value) =>
        Audiences_ConditionsTests.Change(T, person, ProfileChangeKind.TraitChanged, trait: trait, value: value);

    private static Streaming.ServiceDefaults.Consumers.InboundMessage<ProfileChange> Tag(long person, string tag) =>
        Audiences_ConditionsTests.Change(T, person, ProfileChangeKind.TagEntered, tag: tag);
}
