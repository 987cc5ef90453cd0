using Streaming.ServiceDefaults.Kafka;

namespace Streaming.Profiles.Model;

/// <summary>
/// Fences on the upstream position an event was made from (<see cref="CauseHeader"/>), kept with the
/// offset fences of the profile. Identity handles one events.raw partition in order and sends one
/// person's events in that order, so per profile the causes of one upstream partition only grow: an
/// event whose cause is at or below the fence was made again by a redelivery and is applied already.
/// </summary>
public static class CauseFences
{
    public static void Advance(ProfileState state, CauseHeader.Cause cause)
    {
        if (state.Fences.TryGetValue(cause.FenceKey, out var applied))
        {
            if (cause.Offset > applied)
                state.Fences[cause.FenceKey] = cause.Offset;
            return;
        }
        // A new upstream incarnation: the fences of the earlier ones say nothing about it.
        OffsetFences.RetireOthers(state, cause.Topic, cause.Partition, cause.FenceKey);
        state.Fences[cause.FenceKey] = cause.Offset;
    }
}
