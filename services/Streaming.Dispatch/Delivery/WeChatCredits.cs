using StackExchange.Redis;

namespace Streaming.Dispatch.Delivery;

/// <summary>
/// WeChat's subscribe-message rule: one user authorisation allows one send of that template. Credits
/// per person and template in Redis: granted when the user authorises, spent atomically before a send,
/// given back when nothing was sent.
/// </summary>
public sealed class WeChatCredits(IConnectionMultiplexer redis)
{
    private const string SpendScript = """
        local left = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
        if left <= 0 then return 0 end
        redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
        return 1
        """;

    public Task<long> GrantAsync(string tenant, long personId, string templateId, int credits = 1) =>
        redis.GetDatabase().HashIncrementAsync(Key(tenant, personId), templateId, credits);

    public async Task<bool> TrySpendAsync(string tenant, long personId, string templateId) =>
        (long)await redis.GetDatabase().ScriptEvaluateAsync(SpendScript, [Key(tenant, personId)], [templateId]) == 1;

    public Task RefundAsync(string tenant, long personId, string templateId) => GrantAsync(tenant, personId, templateId);

    public async Task<long> LeftAsync(string tenant, long personId, string templateId) =>
        (long?)await redis.GetDatabase().HashGetAsync(Key(tenant, personId), templateId) ?? 0;

    private static RedisKey Key(string tenant, long personId) => $"dispatch:wechat-credits:{{{tenant}}}:{personId}";
}
