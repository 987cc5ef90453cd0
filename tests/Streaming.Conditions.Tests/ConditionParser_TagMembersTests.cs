using System.Text.Json;
using Streaming.Conditions.Evaluation;
using Streaming.Conditions.Model;
using Streaming.Conditions.Parsing;

namespace Streaming.Conditions.Tests;

public class ConditionParser_TagMembersTests
{
    [Fact]
    public void Parser_reads_a_tag_member_in_an_audience_and_writes_it_back_unchanged()
    {
        var parsed = ConditionParser.ParseCondition(JsonDocument.Parse("""{"all":[{"tag":"vip"},{"not":{"tag":"churned"}}]}""").RootElement);

        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        var all = Assert.IsType<AllCondition>(parsed.Value);
        Assert.Equal(new TagMemberCondition("vip"), all.Conditions[0]);
        Assert.Equal("""{"all":[{"tag":"vip"},{"not":{"tag":"churned"}}]}""", ConditionWriter.Write(parsed.Value!));
    }

    [Fact]
    public void Parser_refuses_a_tag_member_naming_the_path_when_a_tag_definition_or_the_tag_id_is_wrong()
    {
        var definition = ConditionParser.ParseTagDefinition("""{"name":"x","condition":{"any":[{"tag":"vip"}]}}""");
        var notText = ConditionParser.ParseCondition(JsonDocument.Parse("""{"tag":5}""").RootElement, "tagCondition");
        var extraKey = ConditionParser.ParseCondition(JsonDocument.Parse("""{"tag":"vip","op":"eq"}""").RootElement, "tagCondition");

        Assert.Contains(definition.Errors, e => e.Path == "condition.any[0].tag" && e.Message.Contains("cannot test another tag", StringComparison.Ordinal));
        Assert.Contains(notText.Errors, e => e.Path == "tagCondition.tag");
        Assert.Contains(extraKey.Errors, e => e.Path == "tagCondition.op");
    }

    [Fact]
    public void Evaluator_answers_a_tag_member_from_facts_that_know_tags_when_given()
    {
        var condition = ConditionParser.ParseCondition(JsonDocument.Parse("""{"all":[{"tag":"vip"},{"not":{"tag":"churned"}}]}""").RootElement).GetValueOrThrow();

        Assert.True(ConditionEvaluator.Evaluate(condition, new Tags("vip")));
        Assert.False(ConditionEvaluator.Evaluate(condition, new Tags("vip", "churned")));
        Assert.False(ConditionEvaluator.Evaluate(condition, new Tags()));
    }

    [Fact]
    public void Predicate_parser_reads_a_where_item_and_names_the_path_when_it_is_wrong()
    {
        var good = ConditionParser.ParsePredicate(JsonDocument.Parse("""{"path":"revenue","op":"between","value":[10,20]}""").RootElement, "filters[0]");
        var bad = ConditionParser.ParsePredicate(JsonDocument.Parse("""{"path":"revenue","op":"neq","value":10}""").RootElement, "filters[0]");

        Assert.Equal("""{"path":"properties.revenue","op":"between","value":[10,20]}""", ConditionWriter.Write(good.GetValueOrThrow()));
        Assert.Contains(bad.Errors, e => e.Path == "filters[0].op" && e.Message.Contains("ne,", StringComparison.Ordinal));
    }

    private sealed class Tags(params string[] member) : IConditionFacts
    {
        public long Now => 0;
        public Scalar? Metric(EventMetric metric) => null;
        public Scalar? Trait(string name) => null;
        public bool IsTagMember(string tag) => member.Contains(tag);
    }
}
