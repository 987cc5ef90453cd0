using Streaming.Conditions.Model;
using Streaming.Conditions.Parsing;

namespace Streaming.Conditions.Tests;

public class ConditionParser_DocumentsTests
{
    [Fact]
    public void Parser_reads_a_tag_definition_with_every_node_kind()
    {
        const string json = """
        {
          "name": "Mixed", "timeZone": "Asia/Shanghai",
          "condition": { "all": [
            { "metric": { "fn": "count", "event": { "name": "Order Completed" }, "window": "30d" }, "op": "gte", "value": 2 },
            { "not": { "trait": "plan", "op": "in", "value": ["free", "trial"] } },
            { "any": [
              { "metric": { "fn": "max", "event": { "name": "Order Completed", "where": [ { "path": "$channel", "op": "eq", "value": "app" } ] }, "property": "revenue" }, "op": "between", "value": [100, 1000] },
              { "metric": { "fn": "first" }, "op": "gte", "value": { "ago": "30d" } },
              { "metric": { "fn": "score", "of": { "fn": "daysSince", "event": { "name": "Order Completed" } }, "thresholds": [14, 30, 60, 120], "order": "descending" }, "op": "gte", "value": 4 } ] } ] }
        }
        """;
        var result = ConditionParser.ParseTagDefinition(json);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var tag = result.Value!;
        Assert.Equal("Mixed", tag.Name);
        Assert.Equal("Asia/Shanghai", tag.TimeZone.Id);
        var all = Assert.IsType<AllCondition>(tag.Condition);
        var count = Assert.IsType<MetricCondition>(all.Conditions[0]);
        var metric = Assert.IsType<EventMetric>(count.Metric);
        Assert.Equal(MetricFunction.Count, metric.Function);
        Assert.Equal(30, metric.WindowDays);
        Assert.Equal(["Order Completed"], metric.Event.Names);
        var not = Assert.IsType<NotCondition>(all.Conditions[1]);
        Assert.Equal(ComparisonOperator.In, Assert.IsType<TraitCondition>(not.Condition).Operator);
        var any = Assert.IsType<AnyCondition>(all.Conditions[2]);
        var max = (EventMetric)((MetricCondition)any.Conditions[0]).Metric;
        Assert.Equal(FieldPath.Property("revenue"), max.Property);
        Assert.Equal(FieldPath.Channel, max.Event.Where[0].Path.AttributeName);
        Assert.IsType<AgoOperand>(((MetricCondition)any.Conditions[1]).Operands[0]);
        Assert.True(Assert.IsType<ScoreMetric>(((MetricCondition)any.Conditions[2]).Metric).Descending);
    }

    [Theory]
    [InlineData("""{"name":"x","condition":{"metric":{"fn":"count","window":"120d"},"op":"gte","value":1}}""", "condition.metric.window")]
    [InlineData("""{"name":"x","condition":{"metric":{"fn":"cnt"},"op":"gte","value":1}}""", "condition.metric.fn")]
    [InlineData("""{"name":"x","condition":{"all":[{"metric":{"fn":"count"},"op":"gtee","value":1}]}}""", "condition.all[0].op")]
    [InlineData("""{"name":"x","condition":{"metric":{"fn":"sum","event":{"name":"Order Completed"}},"op":"gte","value":1}}""", "condition.metric.property")]
    [InlineData("""{"name":"x","condition":{"metric":{"fn":"count","event":{"nme":"A"}},"op":"gte","value":1}}""", "condition.metric.event.nme")]
    [InlineData("""{"name":"x","condition":{"metric":{"fn":"count","event":{"where":[{"path":"$colour","op":"eq","value":1}]}},"op":"gte","value":1}}""", "condition.metric.event.where[0].path")]
    [InlineData("""{"name":"x","condition":{"metric":{"fn":"count"},"op":"between","value":[5,1]}}""", "condition.value")]
    [InlineData("""{"name":"x","condition":{"metric":{"fn":"count"},"op":"exists","value":1}}""", "condition.value")]
    [InlineData("""{"name":"x","condition":{"metric":{"fn":"distinct","property":"$day"},"op":"gte","value":80}}""", "condition.value")]
    [InlineData("""{"name":"x","condition":{"metric":{"fn":"last","window":"7d"},"op":"exists"}}""", "condition.metric.window")]
    [InlineData("""{"name":"x","condition":{"metric":{"fn":"count"},"op":"gte","value":{"ago":"7d"}}}""", "condition.value.ago")]
    [InlineData("""{"name":"x","timeZone":"Mars/Olympus","condition":{"metric":{"fn":"count"},"op":"gte","value":1}}""", "timeZone")]
    [InlineData("""{"condition":{"metric":{"fn":"count"},"op":"gte","value":1}}""", "name")]
    [InlineData("""{"name":"x"}""", "condition")]
    [InlineData("""{"name":"x","condition":{"all":[],"any":[]}}""", "condition")]
    [InlineData("""{"name":"x","condition":{"metric":{"fn":"shareOfHours","window":"7d"},"op":"gte","value":0.5}}""", "condition.metric.hours")]
    [InlineData("""{"name":"x","condition":{"metric":{"fn":"score","of":{"fn":"count"},"thresholds":[3,2,4,5]},"op":"gte","value":3}}""", "condition.metric.thresholds")]
    public void Parser_names_the_wrong_part_when_a_document_is_invalid(string json, string path)
    {
        var result = ConditionParser.ParseTagDefinition(json);

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Path == path);
        Assert.All(result.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }

    [Fact]
    public void Parser_reports_every_error_of_a_document_at_once()
    {
        var result = ConditionParser.ParseTagDefinition("""{"name":"","condition":{"all":[{"metric":{"fn":"count","window":"0d"},"op":"gte","value":1},{"trait":"","op":"eq","value":1}]}}""");

        Assert.Equal(["condition.all[0].metric.window", "condition.all[1].trait", "name"], result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Parser_reads_iso_times_for_time_metrics()
    {
        var result = ConditionParser.ParseTagDefinition("""{"name":"x","condition":{"metric":{"fn":"first"},"op":"lt","value":"2025-01-01T00:00:00Z"}}""");

        var literal = Assert.IsType<LiteralOperand>(((MetricCondition)result.GetValueOrThrow().Condition).Operands[0]);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), literal.Value.Number);
    }

    [Fact]
    public void Writer_output_parses_back_to_the_same_canonical_text()
    {
        const string json = """{"name":"x","description":"d","condition":{"any":[{"metric":{"fn":"share-of-hours","event":{"type":["screen","page"]},"hours":[22,6],"window":"30d"},"op":"gte","value":0.5},{"metric":{"fn":"first","event":{"name":"Order Completed"}},"op":"lte","value":{"metric":{"fn":"first","event":{"name":"Signed Up"}},"plus":"1d"}},{"metric":{"fn":"sum","property":"properties.revenue"},"op":"gt","value":{"metric":{"fn":"count"},"times":2}}]}}""";
        var canonical = ConditionWriter.Write(ConditionParser.ParseTagDefinition(json).GetValueOrThrow());

        var again = ConditionWriter.Write(ConditionParser.ParseTagDefinition(canonical).GetValueOrThrow());

        Assert.Equal(canonical, again);
        Assert.Contains("\"fn\":\"shareOfHours\"", canonical);
        Assert.Contains("\"plus\":86400000", canonical);
    }

    [Fact]
    public void Yaml_definitions_convert_to_the_same_model_as_json()
    {
        const string yaml = """
            name: Repeat buyer
            condition:
              metric: { fn: count, event: { name: Order Completed }, window: 30d }
              op: gte
              value: 2
            """;
        Assert.True(YamlDocuments.TryConvertToJson(yaml, out var json, out var error), error);

        var tag = ConditionParser.ParseTagDefinition(json).GetValueOrThrow();

        var condition = Assert.IsType<MetricCondition>(tag.Condition);
        Assert.Equal(2m, ((LiteralOperand)condition.Operands[0]).Value.Number);
    }
}
