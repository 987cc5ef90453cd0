using StackExchange.Redis;
using Streaming.Contracts;
using Streaming.ServiceDefaults.Timers;

namespace Streaming.Profiles.Timers;

/// <summary>
/// A profile's next tag re-evaluation as a durable timer of the shared runtime: one timer per
/// person (id <c>tenant/personId</c>) in the events.identified partition its events are keyed to, so
/// it fires at whichever instance owns that partition and moves with it on a rebalance or restart.
/// </summary>
public sealed class TagTimers(IConnectionMultiplexer redis)
{
    /// <summary>The set's name is part of the stored keys (<c>timers:events.identified:&lt;partition&gt;</c>): keep it.</summary>
    public static TimerSet Set { get; } = TimerSet.For(Contracts.Topics.TopicCatalog.EventsIdentified.Name, ProfilesExtensions.EventsSubscription);

    private readonly DurableTimers _timers = new(redis, Set);

    public static int PartitionOf(string tenant, long personId) => Set.PartitionOf(PartitionKey.For(tenant, personId));

    public static RedisKey Key(int partition) => Set.Key(partition);

    public static string TimerId(string tenant, long personId) => PersonTimerId.Of(tenant, personId);

    /// <summary>The person a timer id names; false for an id this service did not write.</summary>
    public static bool TryParse(string timerId, out string tenant, out long personId) => PersonTimerId.TryParse(timerId, out tenant, out personId);

    /// <summary>Sets (or, with no due time, clears) the person's next re-evaluation.</summary>
    public Task ScheduleAsync(string tenant, long personId, long? due) => due is { } at
        ? _timers.ScheduleAsync(PartitionKey.For(tenant, personId), TimerId(tenant, personId), at)
        : _timers.CancelAsync(PartitionKey.For(tenant, personId), TimerId(tenant, personId));

    /// <summary><see cref="ScheduleAsync"/> for many people: one ZADD and one ZREM per partition.</summary>
    public Task ScheduleManyAsync(IReadOnlyList<(string Tenant, long PersonId, long? Due)> timers) =>
        _timers.ApplyAsync([.. timers.Select(t => new TimerChange(PartitionKey.For(t.Tenant, t.PersonId), TimerId(t.Tenant, t.PersonId), t.Due))]);
}
