using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.ServiceDefaults.Tests.Pipeline;

/// <summary>A sequence runs its steps in order and stops at the first that does not continue.</summary>
public sealed class StepSequence_Tests
{
    /// <summary>Appends its name to the item, then answers what it was built to answer.</summary>
    private sealed class RecordingStep(string name, StepResult answer) : IPipelineStep<List<string>, string>
    {
        public StepResult Run(List<string> item, string scope)
        {
            item.Add($"{scope}:{name}");
            return answer;
        }
    }

    [Fact]
    public void Sequence_runs_every_step_in_order_when_all_continue()
    {
        var sequence = new StepSequence<List<string>, string>(
            new RecordingStep("parse", StepResult.Continue), new RecordingStep("validate", StepResult.Continue), new RecordingStep("key", StepResult.Continue));
        var seen = new List<string>();

        var result = sequence.Run(seen, "r1");

        Assert.True(result.Continues);
        Assert.Equal(["r1:parse", "r1:validate", "r1:key"], seen);
    }

    [Theory]
    [InlineData(StepVerdict.Drop)]
    [InlineData(StepVerdict.DeadLetter)]
    [InlineData(StepVerdict.Refuse)]
    public void Sequence_stops_at_the_first_step_that_does_not_continue_and_returns_its_reason(StepVerdict verdict)
    {
        var stop = verdict switch
        {
            StepVerdict.Drop => StepResult.Drop("a known bot"),
            StepVerdict.DeadLetter => StepResult.DeadLetter("a known bot"),
            _ => StepResult.Refuse("a known bot"),
        };
        var sequence = new StepSequence<List<string>, string>(
            new RecordingStep("validate", StepResult.Continue), new RecordingStep("enrich", stop), new RecordingStep("key", StepResult.Continue));
        var seen = new List<string>();

        var result = sequence.Run(seen, "r1");

        Assert.Equal(verdict, result.Verdict);
        Assert.Equal("a known bot", result.Reason);
        Assert.Equal(["r1:validate", "r1:enrich"], seen);
    }

    [Fact]
    public void Sequence_without_steps_continues()
    {
        Assert.True(new StepSequence<List<string>, string>().Run([], "r1").Continues);
    }
}
