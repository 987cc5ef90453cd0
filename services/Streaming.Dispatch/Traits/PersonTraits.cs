using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace Streaming.Dispatch.Traits;

/// <summary>
/// The traits a dispatcher renders with and checks consent on: a copy per person, kept from
/// <c>profiles.changes</c> (trait_changed) so dispatch never reads the profiles service's storage.
/// A change applies only when it is newer than the stored one, so a replay changes nothing.
/// </summary>
public sealed class PersonTraits(IConnectionMultiplexer redis)
{
    private const string ApplyScript = """
        local at = tonumber(redis.call('HGET', KEYS[1], '@' .. ARGV[1]) or '-1')
        if tonumber(ARGV[3]) < at then return 0 end
        if ARGV[2] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
        redis.call('HSET', KEYS[1], '@' .. ARGV[1], ARGV[3])
        return 1
        """;

    /// <summary>Applies one trait's new value (JSON text; null removes it) if it is not older than the stored one.</summary>
    public async Task<bool> ApplyAsync(string tenant, long personId, string trait, string? jsonValue, long at) =>
        (long)await redis.GetDatabase().ScriptEvaluateAsync(ApplyScript, [Key(tenant, personId)], [trait, jsonValue ?? "", at]) == 1;

    /// <summary>The person's traits as a JSON object (empty when unknown).</summary>
    public async Task<JsonObject> GetAsync(string tenant, long personId)
    {
        var traits = new JsonObject();
        foreach (var entry in await redis.GetDatabase().HashGetAllAsync(Key(tenant, personId)))
        {
            var name = entry.Name.ToString();
            if (name.StartsWith('@'))
                continue;
            traits[name] = Parse(entry.Value.ToString());
        }
        return traits;
    }

    private static JsonNode? Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    private static RedisKey Key(string tenant, long personId) => $"dispatch:traits:{{{tenant}}}:{personId}";
}
