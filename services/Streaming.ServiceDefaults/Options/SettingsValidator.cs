using Microsoft.Extensions.Options;

namespace Streaming.ServiceDefaults.Options;

/// <summary>
/// Start-up validation of one options class: <see cref="Failures"/> yields one sentence per wrong
/// setting, naming it and the fix (e.g. "Journeys:QuietHoursFrom must be ... (env ...)"); the host
/// stops with all of them at once instead of the first.
/// </summary>
public abstract class SettingsValidator<TOptions> : IValidateOptions<TOptions> where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = Failures(options).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    protected abstract IEnumerable<string> Failures(TOptions options);

    /// <summary>The failure of a service that keeps <paramref name="what"/> in Redis when no Redis is configured; null otherwise.</summary>
    protected static string? RedisRequired(IOptions<RedisOptions> redis, string what) =>
        string.IsNullOrWhiteSpace(redis.Value.Configuration)
            ? $"{what} in Redis: set Redis:Configuration (env Redis__Configuration), e.g. 'redis:6379'."
            : null;
}
