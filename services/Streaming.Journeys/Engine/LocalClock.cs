namespace Streaming.Journeys.Engine;

/// <summary>Local times of day in a time zone, as epoch ms: the next 09:00, the next midnight.</summary>
public static class LocalClock
{
    public static DateTime Local(long epochMs, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTimeOffset.FromUnixTimeMilliseconds(epochMs).UtcDateTime, zone);

    /// <summary>The first instant strictly after <paramref name="epochMs"/> whose local time is <paramref name="time"/>.</summary>
    public static long Next(long epochMs, TimeOnly time, TimeZoneInfo zone)
    {
        var local = Local(epochMs, zone);
        var candidate = local.Date + time.ToTimeSpan();
        if (candidate <= local)
            candidate = candidate.AddDays(1);
        // A local time skipped by a daylight-saving change happens an hour later that day.
        while (zone.IsInvalidTime(candidate))
            candidate = candidate.AddMinutes(30);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(candidate, DateTimeKind.Unspecified), zone)).ToUnixTimeMilliseconds();
    }

    public static DateOnly Day(long epochMs, TimeZoneInfo zone) => DateOnly.FromDateTime(Local(epochMs, zone));
}
