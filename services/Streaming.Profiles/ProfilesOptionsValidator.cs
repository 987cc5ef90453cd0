using Microsoft.Extensions.Options;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Profiles;

/// <summary>What the data annotations of <see cref="ProfilesOptions"/> cannot say: live profiles need Redis.</summary>
internal sealed class ProfilesOptionsValidator(IOptions<RedisOptions> redis) : IValidateOptions<ProfilesOptions>
{
    public ValidateOptionsResult Validate(string? name, ProfilesOptions options) =>
        string.IsNullOrWhiteSpace(redis.Value.Configuration)
            ? ValidateOptionsResult.Fail("The profiles service keeps live profiles in Redis: set Redis:Configuration (env Redis__Configuration), e.g. 'redis:6379'.")
            : ValidateOptionsResult.Success;
}
