using Microsoft.Extensions.Options;
using Streaming.Identity.Rules;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Identity;

/// <summary>Identity service settings (section <c>Identity</c>; env <c>Identity__*</c>).</summary>
public sealed class IdentityOptions
{
    public const string Section = "Identity";

    /// <summary>The service's default rules (each tenant may override them with a definition document).</summary>
    public IdentityRulesDocument? Rules { get; set; }

    /// <summary>
    /// Hashes the dedup fences of a tenant are spread over, per dedup window. Keep the events of one
    /// window divided by this under Redis's hash-max-listpack-entries (128) for compact memory.
    /// </summary>
    public int DedupBuckets { get; set; } = 4096;

    /// <summary>Consumer group of the identity service.</summary>
    public string GroupId { get; set; } = "identity";
}

internal sealed class IdentityOptionsValidator(IOptions<RedisOptions> redis) : SettingsValidator<IdentityOptions>
{
    protected override IEnumerable<string> Failures(IdentityOptions options)
    {
        if (RedisRequired(redis, "Identity keeps its graph") is { } missing)
            yield return missing;
        if (options.DedupBuckets is < 1 or > 1 << 24)
            yield return $"Identity:DedupBuckets is {options.DedupBuckets}; use between 1 and 16777216 (about events per dedup window / 128).";
        if (string.IsNullOrWhiteSpace(options.GroupId))
            yield return "Identity:GroupId must not be empty: leave it unset for 'identity', or name the consumer group (env Identity__GroupId).";
        if (IdentityRules.BuiltIn.With(options.Rules, out var errors) is null)
        {
            foreach (var error in errors)
                yield return "Identity:Rules: " + error;
        }
    }
}
