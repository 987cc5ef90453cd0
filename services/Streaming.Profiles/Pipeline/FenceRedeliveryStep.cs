using Streaming.Contracts.Records;
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

    public static StepResult Run(ProfileState state, InboundMessage<IdentifiedEvent> message) =>
        state.Fences.TryGetValue(message.FenceKey, out var applied) && message.Offset <= applied ? Redelivered : StepResult.Continue;
}
