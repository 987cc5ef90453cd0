using System.Globalization;

namespace Streaming.Journeys.Engine;

/// <summary>
/// A wait's timer id, <c>tenant/personId/instanceId/due</c>: one per wait (never moved), so a timer
/// set by a write that lost its compare-and-set only fires into an instance that no longer waits for it.
/// </summary>
public static class TimerIds
{
    public static string For(string tenant, long personId, string instanceId, long due) =>
        string.Create(CultureInfo.InvariantCulture, $"{tenant}/{personId}/{instanceId}/{due}");

    public static bool TryParse(string id, out string tenant, out long personId, out string instanceId, out long due)
    {
        tenant = instanceId = "";
        personId = due = 0;
        var parts = id.Split('/');
        if (parts.Length != 4)
            return false;
        tenant = parts[0];
        instanceId = parts[2];
        return long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out personId)
            && long.TryParse(parts[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out due);
    }
}
