using System.Globalization;
using StackExchange.Redis;

namespace Streaming.Dispatch.Delivery;

public enum SendState { Attempting, Sent }

/// <summary>What the ledger holds for one request: an attempt in progress (or in doubt), or the send's result.</summary>
public sealed record SendRecord(SendState State, string Instance, long At, string? Provider = null, string? ProviderMessageId = null);

/// <summary>
/// Exactly one send per request id, across redelivery, restarts and instances: an attempt is recorded
/// (<c>SET NX</c>) BEFORE the provider is called, and replaced by the result after. Whoever finds a
/// record does not send: a result is re-announced, an attempt still in progress is waited for, and an
/// attempt whose process died before recording the answer stays in doubt and is never repeated (at
/// most once; docs/dispatch.md). A definite failure removes the record, so a redrive may try again.
/// </summary>
public sealed class SendLedger(IConnectionMultiplexer redis, TimeProvider time)
{
    /// <summary>How long a result is remembered: longer than any redelivery or redrive of the request.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(14);

    private readonly string _instance = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Records an attempt; null when this caller may send now, else the record that forbids it.</summary>
    public async Task<SendRecord?> TryBeginAsync(string tenant, string requestId)
    {
        var record = new SendRecord(SendState.Attempting, _instance, time.GetUtcNow().ToUnixTimeMilliseconds());
        var key = Key(tenant, requestId);
        var db = redis.GetDatabase();
        if (await db.StringSetAsync(key, Encode(record), Retention, When.NotExists))
            return null;
        return await ReadAsync(tenant, requestId) ?? await TryBeginAsync(tenant, requestId);
    }

    public async Task<SendRecord?> ReadAsync(string tenant, string requestId)
    {
        var value = await redis.GetDatabase().StringGetAsync(Key(tenant, requestId));
        return value.IsNull ? null : Decode(value.ToString());
    }

    /// <summary>Records the send; <paramref name="at"/> is the time its receipt carries, so a re-announced receipt is the same row.</summary>
    public Task RecordSentAsync(string tenant, string requestId, string provider, string? providerMessageId, long at) =>
        redis.GetDatabase().StringSetAsync(Key(tenant, requestId), Encode(new SendRecord(SendState.Sent, _instance, at, provider, providerMessageId)), Retention);

    /// <summary>Nothing was sent (every provider refused): forget the attempt so a redrive may send.</summary>
    public Task ReleaseAsync(string tenant, string requestId) => redis.GetDatabase().KeyDeleteAsync(Key(tenant, requestId));

    private static RedisKey Key(string tenant, string requestId) => $"dispatch:send:{{{tenant}}}:{requestId}";

    private static string Encode(SendRecord r) =>
        string.Join('\u001f', r.State == SendState.Sent ? "sent" : "attempting", r.Instance, r.At.ToString(CultureInfo.InvariantCulture), r.Provider ?? "", r.ProviderMessageId ?? "");

    private static SendRecord Decode(string text)
    {
        var parts = text.Split('\u001f');
        return new SendRecord(parts[0] == "sent" ? SendState.Sent : SendState.Attempting, parts[1], long.Parse(parts[2], CultureInfo.InvariantCulture),
            parts[3].Length == 0 ? null : parts[3], parts[4].Length == 0 ? null : parts[4]);
    }
}
