using Streaming.Contracts.Topics;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.ServiceDefaults.Tests.Pipeline;

/// <summary>The consumer runtime reads a step result in one place: continue produces the outputs, a stop keeps its reason.</summary>
public sealed class HandlerOutcome_FromStepResultTests
{
    private static readonly OutboundMessage Output = new(TopicCatalog.ProfilesChanges, "t:1", [1, 2, 3]);

    [Fact]
    public void HandlerOutcome_of_a_continue_produces_the_outputs()
    {
        var outcome = HandlerOutcome.Of(StepResult.Continue, Output);

        Assert.Equal(OutcomeKind.Continue, outcome.Kind);
        Assert.Equal([Output], outcome.Outputs);
        Assert.Same(HandlerOutcome.Done, HandlerOutcome.Of(StepResult.Continue));
    }

    [Fact]
    public void HandlerOutcome_of_a_drop_keeps_the_reason_and_produces_nothing()
    {
        var outcome = HandlerOutcome.Of(StepResult.Drop("duplicate: messageId m1 was already identified"), Output);

        Assert.Equal(OutcomeKind.Drop, outcome.Kind);
        Assert.Equal("duplicate: messageId m1 was already identified", outcome.Reason);
        Assert.Empty(outcome.Outputs);
    }

    [Fact]
    public void HandlerOutcome_of_a_dead_letter_keeps_the_reason_and_produces_nothing()
    {
        var outcome = HandlerOutcome.Of(StepResult.DeadLetter("tenant is empty"), Output);

        Assert.Equal(OutcomeKind.DeadLetter, outcome.Kind);
        Assert.Equal("tenant is empty", outcome.Reason);
        Assert.Empty(outcome.Outputs);
    }

    [Fact]
    public void HandlerOutcome_of_a_refusal_keeps_the_message_as_a_dead_letter_that_says_refused()
    {
        var outcome = HandlerOutcome.Of(StepResult.Refuse("over the tenant's quota"));

        Assert.Equal(OutcomeKind.DeadLetter, outcome.Kind);
        Assert.Equal("refused: over the tenant's quota", outcome.Reason);
    }
}
