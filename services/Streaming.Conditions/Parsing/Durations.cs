using System.Globalization;
using System.Text.RegularExpressions;

namespace Streaming.Conditions.Parsing;

/// <summary>Durations are written <c>&lt;whole number&gt;&lt;unit&gt;</c> with unit m (minutes), h (hours), d (days) or w (weeks).</summary>
public static partial class Durations
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        var match = Pattern().Match(text);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 100_000)
            return false;
        duration = match.Groups[2].Value switch
        {
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            "d" => TimeSpan.FromDays(n),
            _ => TimeSpan.FromDays(7 * n),
        };
        return true;
    }

    public static string Format(TimeSpan duration)
    {
        if (duration.Ticks % TimeSpan.TicksPerDay == 0)
            return (duration.Ticks / TimeSpan.TicksPerDay).ToString(CultureInfo.InvariantCulture) + "d";
        if (duration.Ticks % TimeSpan.TicksPerHour == 0)
            return (duration.Ticks / TimeSpan.TicksPerHour).ToString(CultureInfo.InvariantCulture) + "h";
        return ((long)duration.TotalMinutes).ToString(CultureInfo.InvariantCulture) + "m";
    }

    [GeneratedRegex("^([0-9]+)([mhdw])$")]
    private static partial Regex Pattern();
}
