namespace Streaming.Journeys.Model;

public enum ReentryMode
{
    /// <summary>A person enters at most once, ever.</summary>
    Once,

    /// <summary>A person enters again once <see cref="ReentryPolicy.Cooldown"/> has passed since the last entry (and no instance runs).</summary>
    Cooldown,

    /// <summary>Several instances at once, one per value of the correlation key (e.g. order_id), up to the journey's cap.</summary>
    Concurrent,
}

/// <summary>How often one person may enter the same journey.</summary>
public sealed record ReentryPolicy(ReentryMode Mode, TimeSpan Cooldown, string? CorrelationKey)
{
    public static readonly ReentryPolicy Once = new(ReentryMode.Once, TimeSpan.Zero, null);
}
