using Microsoft.Extensions.Options;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Profiles;

/// <summary>What the data annotations of <see cref="ProfilesOptions"/> cannot say: live profiles need Redis.</summary>
internal sealed class ProfilesOptionsValidator(IOptions<RedisOptions> redis) : SettingsValidator<ProfilesOptions>
{
    protected override IEnumerable<string> Failures(ProfilesOptions options)
    {
        if (RedisRequired(redis, "The profiles service keeps live profiles") is { } missing)
            yield return missing;
    }
}
