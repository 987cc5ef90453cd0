using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Streaming.Dispatch.Suppression;

/// <summary>
/// Who must not be sent to: people unsubscribed from a channel (the unsubscribe link, a provider's
/// opt-out callback), hard-bounced addresses (kept as SHA-256, never raw), and the tenant's own
/// suppression list of people. Sets in Redis, read before every send.
/// </summary>
public sealed class SuppressionLists(IConnectionMultiplexer redis)
{
    public Task UnsubscribeAsync(string tenant, string channel, long personId) =>
        redis.GetDatabase().SetAddAsync(Unsubscribed(tenant, channel), personId);

    public Task<bool> IsUnsubscribedAsync(string tenant, string channel, long personId) =>
        redis.GetDatabase().SetContainsAsync(Unsubscribed(tenant, channel), personId);

    public Task MarkBouncedAsync(string tenant, string address) =>
        redis.GetDatabase().SetAddAsync(Bounced(tenant), Hash(address));

    public Task<bool> IsBouncedAsync(string tenant, string address) =>
        redis.GetDatabase().SetContainsAsync(Bounced(tenant), Hash(address));

    public Task SuppressAsync(string tenant, long personId) => redis.GetDatabase().SetAddAsync(Tenant(tenant), personId);

    public Task<bool> RemoveAsync(string tenant, long personId) => redis.GetDatabase().SetRemoveAsync(Tenant(tenant), personId);

    public Task<bool> IsSuppressedAsync(string tenant, long personId) => redis.GetDatabase().SetContainsAsync(Tenant(tenant), personId);

    private static string Hash(string address) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(address.Trim().ToLowerInvariant())));

    private static RedisKey Unsubscribed(string tenant, string channel) => $"dispatch:unsubscribed:{{{tenant}}}:{channel}";

    private static RedisKey Bounced(string tenant) => $"dispatch:bounced:{{{tenant}}}";

    private static RedisKey Tenant(string tenant) => $"dispatch:suppressed:{{{tenant}}}";
}
