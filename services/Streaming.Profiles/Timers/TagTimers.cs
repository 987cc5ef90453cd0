using System.Globalization;
using StackExchange.Redis;
using Streaming.Contracts;
using Streaming.Contracts.Topics;

namespace Streaming.Profiles.Timers;

/// <summary>
/// Durable re-evaluation timers, one Redis sorted set per events.identified partition (member
/// <c>tenant/personId</c>, score = due time in epoch ms). A person's timers live in the partition
/// its events are keyed to, so they are fired by whichever instance owns that partition, and move
/// with it on a rebalance or restart.
/// </summary>
public sealed class TagTimers(IConnectionMultiplexer redis)
{
    // Removes a member only if its due time is still the one that fired (an event may have rescheduled it).
    private const string RemoveIfUnchanged = """
        local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
        if score and tonumber(score) == tonumber(ARGV[2]) then
          return redis.call('ZREM', KEYS[1], ARGV[1])
        end
        return 0
        """;

    private readonly IDatabase _db = redis.GetDatabase();

    public static int PartitionOf(string tenant, long personId) =>
        KafkaPartition.For(PartitionKey.For(tenant, personId), TopicCatalog.EventsIdentified.Partitions);

    public static RedisKey Key(int partition) => $"timers:{TopicCatalog.EventsIdentified.Name}:{partition.ToString(CultureInfo.InvariantCulture)}";

    private static string Member(string tenant, long personId) => $"{tenant}/{personId.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Sets (or, with no due time, clears) the person's next re-evaluation.</summary>
    public Task ScheduleAsync(string tenant, long personId, long? due)
    {
        var key = Key(PartitionOf(tenant, personId));
        return due is { } at
            ? _db.SortedSetAddAsync(key, Member(tenant, personId), at)
            : _db.SortedSetRemoveAsync(key, Member(tenant, personId));
    }

    /// <summary><see cref="ScheduleAsync"/> for many people: one ZADD and one ZREM per timer set.</summary>
    public async Task ScheduleManyAsync(IReadOnlyList<(string Tenant, long PersonId, long? Due)> timers)
    {
        if (timers.Count == 0)
            return;
        var calls = new List<Task>();
        foreach (var group in timers.GroupBy(t => PartitionOf(t.Tenant, t.PersonId)))
        {
            var key = Key(group.Key);
            SortedSetEntry[] add = [.. group.Where(t => t.Due is not null).Select(t => new SortedSetEntry(Member(t.Tenant, t.PersonId), t.Due!.Value))];
            RedisValue[] remove = [.. group.Where(t => t.Due is null).Select(t => (RedisValue)Member(t.Tenant, t.PersonId))];
            if (add.Length > 0)
                calls.Add(_db.SortedSetAddAsync(key, add));
            if (remove.Length > 0)
                calls.Add(_db.SortedSetRemoveAsync(key, remove));
        }
        await Task.WhenAll(calls);
    }

    public async Task<IReadOnlyList<(string Tenant, long PersonId, long Due)>> DueAsync(int partition, long now, int limit)
    {
        var entries = await _db.SortedSetRangeByScoreWithScoresAsync(Key(partition), double.NegativeInfinity, now, take: limit);
        var due = new List<(string, long, long)>(entries.Length);
        foreach (var entry in entries)
        {
            var text = (string)entry.Element!;
            var slash = text.LastIndexOf('/');
            if (slash > 0 && long.TryParse(text.AsSpan(slash + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var personId))
                due.Add((text[..slash], personId, (long)entry.Score));
        }
        return due;
    }

    public Task RemoveIfUnchangedAsync(int partition, string tenant, long personId, long due) =>
        _db.ScriptEvaluateAsync(RemoveIfUnchanged, [Key(partition)], [Member(tenant, personId), due.ToString(CultureInfo.InvariantCulture)]);
}
