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

internal sealed class IdentityOptionsValidator(IOptions<RedisOptions> redis) : IValidateOptions<IdentityOptions>
{
    public ValidateOptionsResult Validate(string? name, IdentityOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(redis.Value.Configuration))
            failures.Add("Identity keeps its graph in Redis: set Redis:Configuration (env Redis__Configuration), e.g. 'localhost:6379'.");
        if (options.DedupBuckets is < 1 or > 1 << 24)
            failures.Add($"Identity:DedupBuckets is {options.DedupBuckets}; use between 1 and 16777216 (about events per dedup window / 128).");
        if (string.IsNullOrWhiteSpace(options.GroupId))
            failures.Add("Identity:GroupId must not be empty: leave it unset for 'identity', or name the consumer group (env Identity__GroupId).");
        if (IdentityRules.BuiltIn.With(options.Rules, out var errors) is null)
            failures.AddRange(errors.Select(e => "Identity:Rules: " + e));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
