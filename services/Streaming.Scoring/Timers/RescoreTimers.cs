using StackExchange.Redis;
using Streaming.Contracts;
using Streaming.ServiceDefaults.Timers;

namespace Streaming.Scoring.Timers;

/// <summary>
/// The daily rescore of a scored person as a durable timer of the shared runtime (one per person,
/// id <c>tenant/personId</c>) in the profiles.changes partition the person's changes are keyed to:
/// recency grows without any event, so a score must move with the clock.
/// </summary>
public sealed class RescoreTimers(IConnectionMultiplexer redis)
{
    /// <summary>Part of the stored keys (<c>timers:scoring:&lt;partition&gt;</c>): keep it.</summary>
    public static TimerSet Set { get; } = TimerSet.For("scoring", ScoringExtensions.ChangesSubscription);

    private readonly DurableTimers _timers = new(redis, Set);

    public static string TimerId(string tenant, long personId) => PersonTimerId.Of(tenant, personId);

    public Task ScheduleAsync(string tenant, long personId, long due) =>
        _timers.ScheduleAsync(PartitionKey.For(tenant, personId), TimerId(tenant, personId), due);

    /// <summary>Many persons' next rescores: one round trip per partition touched.</summary>
    public Task ScheduleManyAsync(IEnumerable<(string Tenant, long PersonId)> persons, long due) =>
        _timers.ApplyAsync([.. persons.Distinct().Select(p => new TimerChange(PartitionKey.For(p.Tenant, p.PersonId), TimerId(p.Tenant, p.PersonId), due))]);
}
