using System.Globalization;
using StackExchange.Redis;

namespace Streaming.ServiceDefaults.Timers;

/// <summary>
/// The timers of one <see cref="TimerSet"/> in Redis: one sorted set per partition, member = timer
/// id, score = due time. Handlers set and cancel through <see cref="IDurableTimers"/>; the sweeper
/// reads what is due and removes what fired.
/// </summary>
public sealed class DurableTimers(IConnectionMultiplexer redis, TimerSet set) : IDurableTimers
{
    // Removes a timer only if its due time is still the one that fired (the handler may have set it again).
    private const string RemoveIfUnchanged = """
        local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
        if score and tonumber(score) == tonumber(ARGV[2]) then
          return redis.call('ZREM', KEYS[1], ARGV[1])
        end
        return 0
        """;

    private readonly IDatabase _db = redis.GetDatabase();

    public TimerSet TimerSet => set;

    public Task ScheduleAsync(string partitionKey, string id, long due) =>
        _db.SortedSetAddAsync(set.Key(set.PartitionOf(partitionKey)), id, due);

    public Task CancelAsync(string partitionKey, string id) =>
        _db.SortedSetRemoveAsync(set.Key(set.PartitionOf(partitionKey)), id);

    public async Task ApplyAsync(IReadOnlyCollection<TimerChange> changes)
    {
        if (changes.Count == 0)
            return;
        var calls = new List<Task>();
        foreach (var partition in changes.GroupBy(c => set.PartitionOf(c.PartitionKey)))
        {
            var key = set.Key(partition.Key);
            SortedSetEntry[] add = [.. partition.Where(c => c.Due is not null).Select(c => new SortedSetEntry(c.Id, c.Due!.Value))];
            RedisValue[] remove = [.. partition.Where(c => c.Due is null).Select(c => (RedisValue)c.Id)];
            if (add.Length > 0)
                calls.Add(_db.SortedSetAddAsync(key, add));
            if (remove.Length > 0)
                calls.Add(_db.SortedSetRemoveAsync(key, remove));
        }
        await Task.WhenAll(calls);
    }

    /// <summary>The partition's timers due at <paramref name="now"/> or earlier, earliest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<DueTimer>> DueAsync(int partition, long now, int limit)
    {
        var entries = await _db.SortedSetRangeByScoreWithScoresAsync(set.Key(partition), double.NegativeInfinity, now, take: limit);
        return [.. entries.Select(e => new DueTimer(partition, e.Element!, (long)e.Score))];
    }

    /// <summary>Moves a timer that failed to <paramref name="due"/>, in the partition it fired in.</summary>
    public Task PostponeAsync(DueTimer timer, long due) =>
        _db.SortedSetAddAsync(set.Key(timer.Partition), timer.Id, due);

    /// <summary>Removes a fired timer unless it was set again meanwhile; true when it was removed.</summary>
    public async Task<bool> CompleteAsync(DueTimer timer) =>
        (long)await _db.ScriptEvaluateAsync(RemoveIfUnchanged, [set.Key(timer.Partition)], [timer.Id, timer.Due.ToString(CultureInfo.InvariantCulture)]) == 1;
}
