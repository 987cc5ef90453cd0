using Streaming.Profiles.Model;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Profiles.Pipeline;

/// <summary>
/// Drops a new message that carries an event the profile applied already: made again from an
/// upstream input identity had handled (it crashed before committing; <see cref="CauseFences"/>,
/// exact whatever the number of events since), or the same event at another offset (a client's
/// retry; <see cref="AppliedMessages"/>, the recent ids). Its changes were sent the first time.
/// </summary>
public static class FenceDuplicateStep
{
    private static readonly StepResult MadeAgain = StepResult.Drop("duplicate: made again from an upstream input the profile applied already");
    private static readonly StepResult SameEvent = StepResult.Drop("duplicate: the profile applied this messageId recently at another offset");

    /// <param name="cause">The upstream position the message was made from (<see cref="CauseHeader"/>), if it says.</param>
    /// <param name="messageId">The event's id, hashed (<see cref="AppliedMessages.Hash"/>).</param>
    public static StepResult Run(ProfileState state, CauseHeader.Cause? cause, ulong messageId)
    {
        if (cause is { } made && state.Fences.TryGetValue(made.FenceKey, out var causeApplied) && made.Offset <= causeApplied)
            return MadeAgain;
        return AppliedMessages.Contains(state, messageId) ? SameEvent : StepResult.Continue;
    }
}
