using Streaming.Conditions.Evaluation;
using Streaming.Conditions.Model;
using Streaming.Conditions.Parsing;
using Streaming.Contracts.Records;

namespace Streaming.Conditions.Tests;

public class ConditionEvaluator_OperatorsTests
{
    private const long Now = 1_750_000_000_000;

    /// <summary>Facts given as values per canonical metric text and per trait: the evaluator sees nothing else.</summary>
    private sealed class Facts(Dictionary<string, Scalar?> metrics, Dictionary<string, Scalar?>? traits = null) : IConditionFacts
    {
        public long Now => ConditionEvaluator_OperatorsTests.Now;
        public Scalar? Metric(EventMetric metric) => metrics.GetValueOrDefault(ConditionWriter.Write(metric));
        public Scalar? Trait(string name) => traits?.GetValueOrDefault(name);
    }

    private static bool Holds(string condition, Facts facts) =>
        ConditionEvaluator.Evaluate(ConditionParser.ParseTagDefinition($$"""{"name":"x","condition":{{condition}}}""").GetValueOrThrow().Condition, facts);

    private static readonly string Count = ConditionWriter.Write(new EventMetric(MetricFunction.Count, EventFilter.AnyEvent));

    [Fact]
    public void Missing_values_make_comparisons_false_and_not_turns_that_true()
    {
        var none = new Facts([]);
        Assert.False(Holds("""{"trait":"plan","op":"ne","value":"pro"}""", none));
        Assert.True(Holds("""{"not":{"trait":"plan","op":"eq","value":"pro"}}""", none));
        Assert.True(Holds("""{"trait":"plan","op":"notExists"}""", none));
        Assert.False(Holds("""{"trait":"plan","op":"notIn","value":["a"]}""", none));
        Assert.True(Holds("""{"all":[]}""", none));
        Assert.False(Holds("""{"any":[]}""", none));
    }

    [Fact]
    public void Operators_compare_by_kind_without_coercion()
    {
        var facts = new Facts([], new() { ["plan"] = Scalar.Of("pro"), ["age"] = Scalar.Of(30m), ["vip"] = Scalar.Of(true), ["code"] = Scalar.Of("1000") });
        Assert.True(Holds("""{"trait":"age","op":"between","value":[30,40]}""", facts));
        Assert.True(Holds("""{"trait":"age","op":"eq","value":30.0}""", facts));
        Assert.False(Holds("""{"trait":"code","op":"gte","value":1000}""", facts));
        Assert.False(Holds("""{"trait":"vip","op":"eq","value":"true"}""", facts));
        Assert.True(Holds("""{"trait":"plan","op":"in","value":["free","pro"]}""", facts));
        Assert.True(Holds("""{"trait":"plan","op":"startsWith","value":"pr"}""", facts));
        Assert.False(Holds("""{"trait":"plan","op":"contains","value":"PR"}""", facts));
    }

    [Fact]
    public void Scores_count_reached_thresholds_in_either_order()
    {
        const string ascending = """{"metric":{"fn":"score","of":{"fn":"count"},"thresholds":[2,3,5,10]},"op":"eq","value":V}""";
        const string descending = """{"metric":{"fn":"score","of":{"fn":"count"},"thresholds":[2,3,5,10],"order":"descending"},"op":"eq","value":V}""";
        foreach (var (count, up, down) in new[] { (0, 1, 5), (2, 2, 4), (4, 3, 3), (9, 4, 2), (10, 5, 1) })
        {
            var facts = new Facts(new() { [Count] = Scalar.Of(count) });
            Assert.True(Holds(ascending.Replace("V", up.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), facts), $"count {count}");
            Assert.True(Holds(descending.Replace("V", down.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), facts), $"count {count}");
        }
        Assert.False(Holds(ascending.Replace("V", "1", StringComparison.Ordinal), new Facts([])));
    }

    [Fact]
    public void Metric_operands_scale_and_ago_is_relative_to_now()
    {
        var first = ConditionWriter.Write(new EventMetric(MetricFunction.First, EventFilter.AnyEvent));
        var facts = new Facts(new() { [Count] = Scalar.Of(7), [first] = Scalar.Of(Now - 86_400_000L * 3) });
        Assert.True(Holds("""{"metric":{"fn":"count"},"op":"gt","value":{"metric":{"fn":"count"},"times":0.5,"plus":3}}""", facts));
        Assert.False(Holds("""{"metric":{"fn":"count"},"op":"gt","value":{"metric":{"fn":"count"},"times":0.5,"plus":4}}""", facts));
        Assert.True(Holds("""{"metric":{"fn":"first"},"op":"gte","value":{"ago":"3d"}}""", facts));
        Assert.False(Holds("""{"metric":{"fn":"first"},"op":"gte","value":{"ago":"2d"}}""", facts));
    }

    [Fact]
    public void Event_filters_read_names_types_channels_and_nested_properties()
    {
        var view = new EventView(new TrackingEvent
        {
            MessageId = "m1", Type = "track", Event = "Order Completed", Tenant = "t", Source = "shop",
            Timestamp = new DateTimeOffset(2026, 1, 1, 23, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(),
            Context = """{"app":{"version":"2.0"}}""",
            Properties = """{"revenue": 1200, "product": {"sku": "A-1"}}""",
        });
        var filter = ConditionParser.ParseCondition(System.Text.Json.JsonDocument.Parse("""
            {"metric":{"fn":"count","event":{"name":"Order Completed","type":"track","where":[
              {"path":"$channel","op":"eq","value":"app"},{"path":"product.sku","op":"startsWith","value":"A-"},
              {"path":"revenue","op":"gte","value":1000},{"path":"$hour","op":"eq","value":7}]}},"op":"gte","value":1}
            """).RootElement).GetValueOrThrow() is MetricCondition { Metric: EventMetric m } ? m.Event : null;

        Assert.NotNull(filter);
        Assert.True(view.Matches(filter, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")));
        Assert.False(view.Matches(filter, TimeZoneInfo.Utc));
        Assert.Equal(Scalar.Of(LocalTime.Day(view.Timestamp, TimeZoneInfo.Utc) + 1), view.Value(FieldPath.Attribute(FieldPath.Day), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")));
    }
}
