using Streaming.Conditions.Evaluation;
using Streaming.Profiles.Metrics;
using Streaming.Profiles.Model;
using Streaming.Profiles.Pipeline;
using Streaming.Profiles.Tags;

namespace Streaming.Profiles.Tests;

/// <summary>Compiled tags answer exactly as the condition language's interpreter does.</summary>
public sealed class CompiledCondition_InterpreterAgreementTests
{
    private const long Hour = 3_600_000, Day = 24 * Hour;

    private static readonly string[] Extra =
    [
        """{"name":"pro","condition":{"all":[{"trait":"plan","op":"eq","value":"pro"},{"metric":{"fn":"first"},"op":"gte","value":{"ago":"30d"}}]}}""",
        """{"name":"not-any","condition":{"not":{"any":[{"trait":"score","op":"gt","value":3},{"metric":{"fn":"count","event":{"name":"Coupon Claimed"}},"op":"in","value":[1,2,5]}]}}}""",
        """{"name":"scaled","condition":{"metric":{"fn":"count","event":{"name":"Product Viewed"},"window":"30d"},"op":"gte","value":{"metric":{"fn":"count","event":{"name":"Order Completed"},"window":"30d"},"times":2,"plus":1}}}""",
        """{"name":"monetary","condition":{"metric":{"fn":"score","of":{"fn":"sum","event":{"name":"Order Completed"},"property":"revenue"},"thresholds":[100,500,1000,5000]},"op":"between","value":[2,4]}}""",
        """{"name":"avg-shanghai","timeZone":"Asia/Shanghai","condition":{"metric":{"fn":"avg","event":{"name":"Order Completed","where":[{"path":"revenue","op":"gt","value":20}]},"property":"revenue","window":"7d"},"op":"lt","value":900}}""",
        """{"name":"last-revenue","condition":{"metric":{"fn":"last","event":{"name":"Order Completed"},"property":"revenue"},"op":"exists"}}""",
        """{"name":"skus","condition":{"metric":{"fn":"distinct","property":"sku","window":"30d"},"op":"gte","value":2}}""",
    ];

    [Fact]
    public void Compiled_tags_hold_exactly_when_the_interpreter_says_they_do()
    {
        var definitions = BuiltInPacks.All.SelectMany(p => p.Tags).Select(t => (t.Id, 1L, t.Definition))
            .Concat(Extra.Select((d, i) => ($"extra-{i}", 1L, d)));
        var tags = TagCatalog.Compile("t", definitions);
        Assert.Equal(BuiltInPacks.All.Sum(p => p.Tags.Count) + Extra.Length, tags.Tags.Count);
        var random = new Random(7);
        string[] names = ["Page Viewed", "Product Viewed", "Product Added", "Order Completed", "Coupon Claimed", "Signed Up", "Cart Cleared"];
        var now = new DateTimeOffset(2026, 5, 10, 15, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var checkedTags = 0;
        var held = new HashSet<string>();
        for (var person = 1; person <= 300; person++)
        {
            var state = new ProfileState();
            var events = random.Next(0, 25);
            for (var n = 0; n < events; n++)
            {
                var name = names[random.Next(names.Length)];
                var at = now - random.NextInt64(120 * Day);
                var properties = name == "Order Completed"
                    ? $$$"""{"revenue": {{{random.Next(1, 3000)}}}, "sku": "s{{{random.Next(4)}}}", "$set": {"plan": "{{{(random.Next(2) == 0 ? "pro" : "free")}}}", "score": {{{random.Next(6)}}}}}"""
                    : $$"""{"sku": "s{{random.Next(4)}}"}""";
                var e = ProfilesFixture.Event("t", person, name, at, properties, type: name == "Page Viewed" ? "page" : "track",
                    context: random.Next(2) == 0 ? """{"app":{"version":"1"}}""" : """{"page":{"path":"/"}}""");
                ProfilePipeline.Run(state, person, e, $"events.identified/0/{n}", tags, at + random.Next(0, 2) * Hour);
            }
            foreach (var instant in new[] { now, now + 3 * Day, now + 40 * Day })
            {
                var evaluation = new TagEvaluation(state, tags, instant);
                for (var i = 0; i < tags.Tags.Count; i++)
                {
                    var tag = tags.Tags[i];
                    var expected = ConditionEvaluator.Evaluate(tag.Definition.Condition, new ProfileFacts(state, tag, instant));
                    Assert.True(expected == tags.Checks[i](evaluation), $"tag {tag.Id}, person {person}, at {instant}: interpreter says {expected}");
                    if (expected)
                        held.Add(tag.Id);
                    checkedTags++;
                }
            }
        }
        Assert.Equal(300 * 3 * tags.Tags.Count, checkedTags);
        // The comparison means something only if most tags were seen both holding and not holding.
        Assert.True(held.Count >= tags.Tags.Count / 2, $"only {held.Count} of {tags.Tags.Count} tags ever held: {string.Join(", ", held)}");
    }

    [Fact]
    public void Metrics_read_by_several_tags_are_computed_once_per_evaluation()
    {
        var tags = TagCatalog.Compile("t", BuiltInPacks.All.Single(p => p.Name == "rfm").Tags.Select(t => (t.Id, 1L, t.Definition)));
        // Eleven segments over one recency and one frequency metric.
        Assert.Equal(11, tags.Tags.Count);
        Assert.Equal(2, tags.Metrics.Count);
    }
}
