using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Gateway.Pipeline;

/// <summary>
/// An event step's refusal of one event: a dead letter (kept on events.rejected and reported in the
/// answer) whose reason is every error's message and whose detail is the errors themselves.
/// </summary>
public static class Rejected
{
    public static StepResult Because(IReadOnlyList<ValidationError> errors) =>
        StepResult.DeadLetter(string.Join(" ", errors.Select(e => e.Message)), errors);

    public static StepResult Because(ValidationError error) => StepResult.DeadLetter(error.Message, new[] { error });

    public static StepResult Because(string code, string field, string message) => Because(new ValidationError(code, field, message));

    /// <summary>The errors of a result made by <see cref="Because(IReadOnlyList{ValidationError})"/>.</summary>
    public static IReadOnlyList<ValidationError> Errors(StepResult result) => (IReadOnlyList<ValidationError>)result.Detail!;
}
