using Streaming.Profiles.Model;

namespace Streaming.Profiles.Tests;

public sealed class AppliedMessages_WindowTests
{
    [Fact]
    public void AppliedMessages_remembers_the_last_window_of_ids_and_forgets_older_ones()
    {
        var state = new ProfileState();
        for (var i = 0; i < AppliedMessages.Window + 10; i++)
            AppliedMessages.Remember(state, AppliedMessages.Hash($"m-{i}"));

        Assert.Equal(AppliedMessages.Window, state.RecentMessages.Count);
        Assert.True(AppliedMessages.Contains(state, AppliedMessages.Hash($"m-{AppliedMessages.Window + 9}")));
        Assert.True(AppliedMessages.Contains(state, AppliedMessages.Hash("m-10")));
        Assert.False(AppliedMessages.Contains(state, AppliedMessages.Hash("m-9")));
    }

    [Fact]
    public void AppliedMessages_keeps_the_absorbed_persons_recent_ids_after_a_merge()
    {
        var survivor = new ProfileState();
        var absorbed = new ProfileState();
        AppliedMessages.Remember(survivor, AppliedMessages.Hash("s-1"));
        AppliedMessages.Remember(absorbed, AppliedMessages.Hash("a-1"));

        AppliedMessages.Merge(survivor, absorbed);

        Assert.True(AppliedMessages.Contains(survivor, AppliedMessages.Hash("s-1")));
        Assert.True(AppliedMessages.Contains(survivor, AppliedMessages.Hash("a-1")));
    }
}
