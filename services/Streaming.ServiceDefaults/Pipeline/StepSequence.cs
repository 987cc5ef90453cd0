namespace Streaming.ServiceDefaults.Pipeline;

/// <summary>
/// Runs steps in the order given until one does not continue, and returns that step's result (or
/// <see cref="StepResult.Continue"/> when every step continued).
/// </summary>
public sealed class StepSequence<TItem, TScope>
{
    private readonly IPipelineStep<TItem, TScope>[] _steps;

    public StepSequence(params IPipelineStep<TItem, TScope>[] steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        _steps = steps;
    }

    public IReadOnlyList<IPipelineStep<TItem, TScope>> Steps => _steps;

    public StepResult Run(TItem item, TScope scope)
    {
        foreach (var step in _steps)
        {
            var result = step.Run(item, scope);
            if (!result.Continues)
                return result;
        }
        return StepResult.Continue;
    }
}
