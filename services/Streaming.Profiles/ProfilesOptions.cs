using System.ComponentModel.DataAnnotations;
using Streaming.Profiles.Storage;

namespace Streaming.Profiles;

/// <summary>Profiles service settings (section <c>Profiles</c>; env <c>Profiles__*</c>).</summary>
public sealed class ProfilesOptions
{
    public const string Section = "Profiles";

    /// <summary>Memory for recently used profiles, in MB, per instance; 0 reads every profile from Redis.</summary>
    [Range(0, 1 << 20, ErrorMessage = "Profiles:CacheMegabytes must be 0 (no cache) or a size in MB up to 1048576, e.g. 64 (env Profiles__CacheMegabytes).")]
    public int CacheMegabytes { get; set; } = (int)(ProfileCache.DefaultCapacityBytes >> 20);
}
