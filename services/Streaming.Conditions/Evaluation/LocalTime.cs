namespace Streaming.Conditions.Evaluation;

/// <summary>Local days and hours of epoch-ms instants in a document's time zone (docs/conditions.md, "Windows and time").</summary>
public static class LocalTime
{
    /// <summary>Days since 1970-01-01 of the local calendar date of <paramref name="epochMs"/>.</summary>
    public static int Day(long epochMs, TimeZoneInfo zone)
    {
        if (zone == TimeZoneInfo.Utc)
            return (int)Math.Floor(epochMs / (double)TimeSpan.MillisecondsPerDay);
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(epochMs), zone);
        return (int)(local.Date - DateTime.UnixEpoch.Date).TotalDays;
    }

    /// <summary>The local hour 0..23 of <paramref name="epochMs"/>.</summary>
    public static int Hour(long epochMs, TimeZoneInfo zone) =>
        zone == TimeZoneInfo.Utc
            ? DateTimeOffset.FromUnixTimeMilliseconds(epochMs).Hour
            : TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(epochMs), zone).Hour;

    /// <summary>True when <paramref name="day"/> is in a window of <paramref name="windowDays"/> days ending today (today included).</summary>
    public static bool InWindow(int day, int today, int windowDays) => day <= today && day > today - windowDays;
}
