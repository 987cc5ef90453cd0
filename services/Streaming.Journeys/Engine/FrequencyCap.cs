using System.Globalization;
using Streaming.Conditions.Parsing;

namespace Streaming.Journeys.Engine;

/// <summary>At most <see cref="Max"/> marketing messages (on <see cref="Channel"/>, or all channels) per rolling window or per local calendar day.</summary>
public sealed record FrequencyCap(string? Channel, int Max, TimeSpan? Window, string Text)
{
    public bool CalendarDay => Window is null;

    /// <summary>Reads <c>[channel:]max/window</c> items separated by commas (window: a duration or <c>day</c>).</summary>
    public static bool TryParseAll(string? text, out IReadOnlyList<FrequencyCap> caps, out string? error)
    {
        var list = new List<FrequencyCap>();
        caps = list;
        error = null;
        foreach (var raw in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var channel = (string?)null;
            var rule = raw;
            if (raw.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
            {
                channel = raw[..colon];
                rule = raw[(colon + 1)..];
            }
            var parts = rule.Split('/');
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max < 1)
            {
                error = $"has '{raw}': write [channel:]max/window with max a whole number ≥ 1";
                return false;
            }
            if (parts[1] == "day")
            {
                list.Add(new FrequencyCap(channel, max, null, raw));
            }
            else if (Durations.TryParse(parts[1], out var window) && window > TimeSpan.Zero)
            {
                list.Add(new FrequencyCap(channel, max, window, raw));
            }
            else
            {
                error = $"has '{raw}': the window must be a duration (24h, 7d) or day";
                return false;
            }
        }
        return true;
    }
}
