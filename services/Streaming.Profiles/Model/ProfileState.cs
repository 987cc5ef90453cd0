using Streaming.Contracts.Records;

namespace Streaming.Profiles.Model;

/// <summary>
/// The live profile of one person, stored in Redis in <see cref="Storage.ProfileCodec"/> form.
/// Everything a tag can ask about is here, bounded: daily buckets older than <see cref="Conditions.Model.Metric.MaxWindowDays"/> days are dropped on write.
/// </summary>
public sealed class ProfileState
{
    /// <summary>First and last seen (event time, epoch ms).</summary>
    public long? FirstSeen { get; set; }
    public long? LastSeen { get; set; }

    /// <summary>Traits by name: last writer by event time wins, or first writer for $set_once.</summary>
    public Dictionary<string, TraitValue> Traits { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Event series: "n:&lt;event name&gt;" per name, "*" for every event, "x:&lt;hash&gt;" for dedicated metrics of tag definitions.</summary>
    public Dictionary<string, SlotData> Slots { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Tags held, with the time they were entered (epoch ms).</summary>
    public Dictionary<string, long> Tags { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Fences: "topic/partition@incarnation" (<see cref="ServiceDefaults.Consumers.InboundMessage{T}.FenceKey"/>) -> last offset applied to this profile.</summary>
    public Dictionary<string, long> Fences { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// 64-bit hashes of the messageIds of the last <see cref="AppliedMessages.Window"/> events applied,
    /// oldest first: an event that comes again at another offset (identity re-emits a redelivered
    /// message at a new offset) is recognised by its id and changes nothing.
    /// </summary>
    public List<ulong> RecentMessages { get; set; } = [];

    /// <summary>Changes caused by the last write, by input position: re-sent when that input is redelivered.</summary>
    public Dictionary<string, List<ProfileChange>> Pending { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Identifiers seen ("userId:U1", "anonymousId:a1"), at most <see cref="MaxIdentifiers"/>.</summary>
    public List<string> Identifiers { get; set; } = [];

    public long Sessions { get; set; }

    /// <summary>Events per UTC hour of day.</summary>
    public long[] ActiveHours { get; set; } = new long[24];

    /// <summary>Events per channel (app, web, miniprogram, server, ...) and per source.</summary>
    public Dictionary<string, long> Channels { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> Sources { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Time of the first "Product Added" since the last order (an open cart), else null.</summary>
    public long? CartOpenSince { get; set; }

    /// <summary>Set when this person was merged into another: the profile is only a redirect.</summary>
    public long? MergedInto { get; set; }

    /// <summary>The re-evaluation time last scheduled in <see cref="Timers.TagTimers"/> (so unchanged times are not rewritten).</summary>
    public long? TimerDue { get; set; }

    public const int MaxIdentifiers = 20;
}

/// <summary>A trait's JSON value and the event time it was written at.</summary>
public sealed class TraitValue
{
    public string Json { get; set; } = "null";
    public long At { get; set; }
    /// <summary>Written by $set_once: only an earlier event replaces it.</summary>
    public bool Once { get; set; }
}

/// <summary>The totals a series keeps over its lifetime (<see cref="SlotData"/>) and per day (<see cref="DayBucket"/>), added up one way.</summary>
public interface ISeriesTotals
{
    long Count { get; set; }
    decimal Sum { get; set; }
    /// <summary>Events with a numeric value (for avg).</summary>
    long Numeric { get; set; }
    /// <summary>Events inside the slot's hour range (shareOfHours).</summary>
    long InHours { get; set; }
    decimal? Min { get; set; }
    decimal? Max { get; set; }
}

/// <summary>One event series: lifetime aggregates and UTC/local daily buckets for rolling windows.</summary>
public sealed class SlotData : ISeriesTotals
{
    public long Count { get; set; }
    public decimal Sum { get; set; }
    /// <summary>Events with a numeric value (for avg).</summary>
    public long Numeric { get; set; }
    /// <summary>Events inside the slot's hour range (shareOfHours).</summary>
    public long InHours { get; set; }
    public decimal? Min { get; set; }
    public decimal? Max { get; set; }
    public long? First { get; set; }
    public long? Last { get; set; }
    /// <summary>First characters of the first / last event's messageId: the tie-break when two events share a millisecond.</summary>
    public string? FirstId { get; set; }
    public string? LastId { get; set; }
    /// <summary>The value (JSON) at the first / last event.</summary>
    public string? FirstValue { get; set; }
    public string? LastValue { get; set; }
    /// <summary>Daily buckets by local day (days since 1970-01-01).</summary>
    public Dictionary<int, DayBucket> Days { get; set; } = [];
    /// <summary>Distinct values (JSON text) -> the last local day seen, capped.</summary>
    public Dictionary<string, int>? Distinct { get; set; }
}

/// <summary>
/// One local day of a series. A struct kept inline in <see cref="SlotData.Days"/>: a profile holds
/// hundreds of them, and one object each made decoding a profile mostly allocation. Counts are kept
/// as 32-bit (one person's events in one day) and min/max without nullable wrappers: 64 bytes
/// instead of 88, and the day entries are the largest part of a decoded profile.
/// </summary>
public struct DayBucket : ISeriesTotals
{
    private decimal _sum, _min, _max;
    private int _count, _numeric, _inHours;
    private bool _hasMin, _hasMax;

    public long Count { readonly get => _count; set => _count = checked((int)value); }
    public decimal Sum { readonly get => _sum; set => _sum = value; }
    public long Numeric { readonly get => _numeric; set => _numeric = checked((int)value); }
    public long InHours { readonly get => _inHours; set => _inHours = checked((int)value); }

    public decimal? Min
    {
        readonly get => _hasMin ? _min : null;
        set => (_hasMin, _min) = (value.HasValue, value.GetValueOrDefault());
    }

    public decimal? Max
    {
        readonly get => _hasMax ? _max : null;
        set => (_hasMax, _max) = (value.HasValue, value.GetValueOrDefault());
    }
}
