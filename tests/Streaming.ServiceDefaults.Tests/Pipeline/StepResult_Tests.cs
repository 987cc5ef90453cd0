using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.ServiceDefaults.Tests.Pipeline;

/// <summary>A step result says continue, or stops with a reason; a valued result hands its value on only when it continues.</summary>
public sealed class StepResult_Tests
{
    [Fact]
    public void StepResult_continue_has_no_reason_and_is_the_default()
    {
        var result = StepResult.Continue;

        Assert.True(result.Continues);
        Assert.Equal(StepVerdict.Continue, default(StepResult).Verdict);
        Assert.Null(result.Reason);
        Assert.Null(result.Detail);
    }

    [Fact]
    public void StepResult_stop_keeps_its_verdict_reason_and_detail()
    {
        var errors = new[] { "missing_event_name" };

        var result = StepResult.DeadLetter("A track call needs \"event\".", errors);

        Assert.False(result.Continues);
        Assert.Equal(StepVerdict.DeadLetter, result.Verdict);
        Assert.Equal("A track call needs \"event\".", result.Reason);
        Assert.Same(errors, result.Detail);
        Assert.Equal("DeadLetter: A track call needs \"event\".", result.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void StepResult_refuses_a_stop_without_a_reason(string reason)
    {
        Assert.Throws<ArgumentException>(() => StepResult.Drop(reason));
        Assert.Throws<ArgumentException>(() => StepResult.DeadLetter(reason));
        Assert.Throws<ArgumentException>(() => StepResult.Refuse(reason));
    }

    [Fact]
    public void StepResult_with_a_value_hands_it_on_when_it_continues()
    {
        var result = StepResult.ContinueWith<int>(42);

        Assert.True(result.Continues);
        Assert.Equal(42, result.Value);
        Assert.True(result.WithoutValue().Continues);
    }

    [Fact]
    public void StepResult_stop_converts_to_any_value_type_without_a_value()
    {
        StepResult<string> result = StepResult.Refuse("the write key matches no source", detail: 401);

        Assert.Equal(StepVerdict.Refuse, result.Verdict);
        Assert.Null(result.Value);
        Assert.Equal("the write key matches no source", result.Reason);
        Assert.Equal(401, result.Detail);
        Assert.Equal(StepVerdict.Refuse, result.WithoutValue().Verdict);
    }
}
