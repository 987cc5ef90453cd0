using Streaming.Profiles.Model;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Profiles.Pipeline;

/// <summary>
/// Drops a message at or below the profile's offset fence for its partition: the runtime redelivered
/// it (a crash or a rebalance before the commit) and the profile applied it already. The pipeline
/// re-sends the changes it caused (<see cref="PendingChanges"/>, same ids) and changes nothing else.
/// </summary>
public static class FenceRedeliveryStep
{
    private static readonly StepResult Redelivered = StepResult.Drop("redelivered: the profile applied this offset already");

    /// <param name="fence">The message's <see cref="InboundMessage{T}.FenceKey"/> (one per batch: the key is built on each read).</param>
    public static StepResult Run(ProfileState state, string fence, long offset) =>
        state.Fences.TryGetValue(fence, out var applied) && offset <= applied ? Redelivered : StepResult.Continue;
}
