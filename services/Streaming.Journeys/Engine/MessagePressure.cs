using Streaming.Journeys.Model;

namespace Streaming.Journeys.Engine;

/// <summary>When a marketing send may go: now, or the first instant no cap is full and the person's quiet hours are over.</summary>
public readonly record struct SendWindow(long At, string? HeldBy, bool ByCap)
{
    public bool IsNow(long now) => At <= now;
}

/// <summary>
/// Frequency caps (rolling windows and calendar days in the person's zone; the strictest wins) and
/// quiet hours. A send that may not go now is held until <see cref="SendWindow.At"/>, never dropped.
/// </summary>
public static class MessagePressure
{
    public static SendWindow Window(IReadOnlyList<SentMessage> sent, string channel, long now, TimeZoneInfo zone, IReadOnlyList<FrequencyCap> caps, QuietHours quiet)
    {
        var at = now;
        string? heldBy = null;
        var byCap = false;
        // Each pass moves to the end of every blocking rule; a cap's window may end inside quiet hours and vice versa.
        for (var pass = 0; pass < 8; pass++)
        {
            var next = at;
            foreach (var cap in caps)
            {
                if (cap.Channel is not null && cap.Channel != channel)
                    continue;
                var release = Release(sent, cap, at, zone);
                if (release > next)
                {
                    next = release;
                    heldBy = "cap " + cap.Text;
                    byCap = true;
                }
            }
            if (quiet.Contains(TimeOnly.FromDateTime(LocalClock.Local(next, zone))))
            {
                next = LocalClock.Next(next, quiet.To, zone);
                if (!byCap || heldBy is null)
                    heldBy = $"quiet hours {quiet.From:HH\\:mm}-{quiet.To:HH\\:mm} ({zone.Id})";
            }
            if (next == at)
                break;
            at = next;
        }
        return new SendWindow(at, at > now ? heldBy : null, byCap && at > now);
    }

    /// <summary>Forgets sent messages no cap can count any more (older than the longest rolling window, or two days for calendar-day caps), so the state stays bounded.</summary>
    public static void Forget(List<SentMessage> sent, IReadOnlyList<FrequencyCap> caps, long now)
    {
        var kept = caps.Count == 0 ? TimeSpan.Zero : caps.Max(c => c.Window ?? TimeSpan.FromDays(2));
        sent.RemoveAll(m => m.At < now - (long)kept.TotalMilliseconds);
    }

    /// <summary>When <paramref name="cap"/> next lets a message through at or after <paramref name="at"/>.</summary>
    private static long Release(IReadOnlyList<SentMessage> sent, FrequencyCap cap, long at, TimeZoneInfo zone)
    {
        var counted = new List<long>();
        var day = LocalClock.Day(at, zone);
        foreach (var message in sent)
        {
            if (cap.Channel is not null && message.Channel != cap.Channel)
                continue;
            var inWindow = cap.Window is { } window
                ? message.At > at - (long)window.TotalMilliseconds && message.At <= at
                : LocalClock.Day(message.At, zone) == day;
            if (inWindow)
                counted.Add(message.At);
        }
        if (counted.Count < cap.Max)
            return at;
        if (cap.Window is { } rolling)
        {
            counted.Sort();
            // The window allows one more once enough of the oldest have left it.
            return counted[counted.Count - cap.Max] + (long)rolling.TotalMilliseconds + 1;
        }
        return LocalClock.Next(at, TimeOnly.MinValue, zone);
    }
}
