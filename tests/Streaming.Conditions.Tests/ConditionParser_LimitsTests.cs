using System.Text;
using Streaming.Conditions.Parsing;

namespace Streaming.Conditions.Tests;

/// <summary>Hostile definitions are refused with the part named, quickly and without a large allocation.</summary>
public class ConditionParser_LimitsTests
{
    [Fact]
    public void Yaml_reader_refuses_aliases_that_expand_past_the_value_limit()
    {
        // 368 bytes of YAML whose nested aliases expand to 262,144 leaves.
        var yaml = new StringBuilder("name: bomb\na: &a [x, x, x, x, x, x, x, x]\n");
        for (var level = 'b'; level <= 'g'; level++)
            yaml.Append(level).Append(": &").Append(level).Append(" [").Append(string.Join(", ", Enumerable.Repeat("*" + (char)(level - 1), 8))).Append("]\n");

        Assert.False(YamlDocuments.TryConvertToJson(yaml.ToString(), out _, out var error));
        Assert.Contains($"more than {YamlDocuments.MaxValues} values", error, StringComparison.Ordinal);
        Assert.Contains("aliases", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{a: ", "}")]
    public void Yaml_reader_refuses_nesting_deeper_than_the_limit_without_recursing(string open, string close)
    {
        const int depth = 30_000;
        var yaml = "name: deep\ncondition: " + string.Concat(Enumerable.Repeat(open, depth)) + "x" + string.Concat(Enumerable.Repeat(close, depth));

        Assert.False(YamlDocuments.TryConvertToJson(yaml, out _, out var error));
        Assert.Contains($"nested deeper than {YamlDocuments.MaxDepth} levels", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_reader_refuses_a_mapping_used_as_a_key_with_a_message_instead_of_throwing()
    {
        Assert.False(YamlDocuments.TryConvertToJson("? [a, b]\n: c\n", out _, out var error));
        Assert.Contains("keys are plain names", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_reader_still_reads_a_small_alias()
    {
        const string yaml = "name: reuse\nwindow: &w 30d\nalso: *w\n";

        Assert.True(YamlDocuments.TryConvertToJson(yaml, out var json, out var error), error);
        Assert.Equal("""{"name":"reuse","window":"30d","also":"30d"}""", json);
    }

    [Fact]
    public void Parser_refuses_values_and_lists_over_the_limits_naming_the_part()
    {
        var longValue = new string('x', ConditionParser.MaxTextLength + 1);
        var manyValues = string.Join(",", Enumerable.Range(0, ConditionParser.MaxListLength + 1));
        var json = $$$"""
            {"name": "big", "condition": {"all": [
              {"trait": "plan", "op": "eq", "value": "{{{longValue}}}"},
              {"trait": "tier", "op": "in", "value": [{{{manyValues}}}]},
              {"trait": 5, "op": "eq", "value": 1},
              {"metric": {"fn": "count", "event": {"name": "E", "where": [5]}}, "op": "gte", "value": 1}]}}
            """;

        var parsed = ConditionParser.ParseTagDefinition(json);

        Assert.False(parsed.IsValid);
        Assert.Contains(parsed.Errors, e => e.Path == "condition.all[0].value" && e.Message.Contains($"at most {ConditionParser.MaxTextLength}", StringComparison.Ordinal));
        Assert.Contains(parsed.Errors, e => e.Path == "condition.all[1].value" && e.Message.Contains($"at most {ConditionParser.MaxListLength}", StringComparison.Ordinal));
        Assert.Contains(parsed.Errors, e => e.Path == "condition.all[2].trait");
        Assert.Contains(parsed.Errors, e => e.Path == "condition.all[3].metric.event.where[0]");
        Assert.All(parsed.Errors, e => Assert.True(e.Message.Length < 400, e.Message));
    }

    [Fact]
    public void Parser_names_a_lone_surrogate_instead_of_throwing()
    {
        const string json = """{"name": "n", "timeZone": "\ud800", "condition": {"trait": "plan", "op": "eq", "value": "x"}}""";

        var parsed = ConditionParser.ParseTagDefinition(json);

        Assert.False(parsed.IsValid);
        Assert.Contains(parsed.Errors, e => e.Path == "timeZone" && e.Message.Contains("not valid Unicode", StringComparison.Ordinal));
    }
}
