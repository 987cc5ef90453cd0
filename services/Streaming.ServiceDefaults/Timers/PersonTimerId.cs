using System.Globalization;

namespace Streaming.ServiceDefaults.Timers;

/// <summary>The id of a timer that belongs to one person: <c>tenant/personId</c> (profiles' tag timers, scoring's daily rescore).</summary>
public static class PersonTimerId
{
    public static string Of(string tenant, long personId) => $"{tenant}/{personId.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The person a timer id names; false for an id not written by <see cref="Of"/>.</summary>
    public static bool TryParse(string timerId, out string tenant, out long personId)
    {
        var slash = timerId.LastIndexOf('/');
        tenant = slash > 0 ? timerId[..slash] : "";
        personId = 0;
        return slash > 0 && long.TryParse(timerId.AsSpan(slash + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out personId);
    }
}
