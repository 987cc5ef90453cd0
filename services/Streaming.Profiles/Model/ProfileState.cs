using System.Text.Json.Serialization;
using Streaming.Contracts.Records;

namespace Streaming.Profiles.Model;

/// <summary>
/// The live profile of one person as stored in Redis (one JSON document per person; short
/// property names keep it small). Everything a tag can ask about is here, bounded: daily buckets
/// older than <see cref="Conditions.Model.Metric.MaxWindowDays"/> days are dropped on write.
/// </summary>
public sealed class ProfileState
{
    /// <summary>First and last seen (event time, epoch ms).</summary>
    [JsonPropertyName("fs")] public long? FirstSeen { get; set; }
    [JsonPropertyName("ls")] public long? LastSeen { get; set; }

    /// <summary>Traits by name: last writer by event time wins, or first writer for $set_once.</summary>
    [JsonPropertyName("tr")] public Dictionary<string, TraitValue> Traits { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Event series: "n:&lt;event name&gt;" per name, "*" for every event, "x:&lt;hash&gt;" for dedicated metrics of tag definitions.</summary>
    [JsonPropertyName("s")] public Dictionary<string, SlotData> Slots { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Tags held, with the time they were entered (epoch ms).</summary>
    [JsonPropertyName("tg")] public Dictionary<string, long> Tags { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Fences: "topic/partition" -> last offset applied to this profile.</summary>
    [JsonPropertyName("fe")] public Dictionary<string, long> Fences { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Changes caused by the last write, by input position: re-sent when that input is redelivered.</summary>
    [JsonPropertyName("pe")] public Dictionary<string, List<ProfileChange>> Pending { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Identifiers seen ("userId:U1", "anonymousId:a1"), at most <see cref="MaxIdentifiers"/>.</summary>
    [JsonPropertyName("id")] public List<string> Identifiers { get; set; } = [];

    [JsonPropertyName("se")] public long Sessions { get; set; }

    /// <summary>Events per UTC hour of day.</summary>
    [JsonPropertyName("hr")] public long[] ActiveHours { get; set; } = new long[24];

    /// <summary>Events per channel (app, web, miniprogram, server, ...) and per source.</summary>
    [JsonPropertyName("ch")] public Dictionary<string, long> Channels { get; set; } = new(StringComparer.Ordinal);
    [JsonPropertyName("so")] public Dictionary<string, long> Sources { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Time of the first "Product Added" since the last order (an open cart), else null.</summary>
    [JsonPropertyName("ca")] public long? CartOpenSince { get; set; }

    /// <summary>Set when this person was merged into another: the profile is only a redirect.</summary>
    [JsonPropertyName("m")] public long? MergedInto { get; set; }

    public const int MaxIdentifiers = 20;

    [JsonIgnore] public bool IsEmpty => FirstSeen is null && Traits.Count == 0 && Slots.Count == 0 && Tags.Count == 0 && MergedInto is null;
}

/// <summary>A trait's JSON value and the event time it was written at.</summary>
public sealed class TraitValue
{
    [JsonPropertyName("v")] public string Json { get; set; } = "null";
    [JsonPropertyName("t")] public long At { get; set; }
    /// <summary>Written by $set_once: only an earlier event replaces it.</summary>
    [JsonPropertyName("o")] public bool Once { get; set; }
}

/// <summary>One event series: lifetime aggregates and UTC/local daily buckets for rolling windows.</summary>
public sealed class SlotData
{
    [JsonPropertyName("c")] public long Count { get; set; }
    [JsonPropertyName("s")] public decimal Sum { get; set; }
    /// <summary>Events with a numeric value (for avg).</summary>
    [JsonPropertyName("n")] public long Numeric { get; set; }
    /// <summary>Events inside the slot's hour range (shareOfHours).</summary>
    [JsonPropertyName("h")] public long InHours { get; set; }
    [JsonPropertyName("mn")] public decimal? Min { get; set; }
    [JsonPropertyName("mx")] public decimal? Max { get; set; }
    [JsonPropertyName("f")] public long? First { get; set; }
    [JsonPropertyName("l")] public long? Last { get; set; }
    [JsonPropertyName("fi")] public string? FirstId { get; set; }
    [JsonPropertyName("li")] public string? LastId { get; set; }
    /// <summary>The value (JSON) at the first / last event.</summary>
    [JsonPropertyName("fv")] public string? FirstValue { get; set; }
    [JsonPropertyName("lv")] public string? LastValue { get; set; }
    /// <summary>Daily buckets by local day (days since 1970-01-01).</summary>
    [JsonPropertyName("d")] public Dictionary<int, DayBucket> Days { get; set; } = [];
    /// <summary>Distinct values (JSON text) -> the last local day seen, capped.</summary>
    [JsonPropertyName("v")] public Dictionary<string, int>? Distinct { get; set; }
}

public sealed class DayBucket
{
    [JsonPropertyName("c")] public long Count { get; set; }
    [JsonPropertyName("s")] public decimal Sum { get; set; }
    [JsonPropertyName("n")] public long Numeric { get; set; }
    [JsonPropertyName("h")] public long InHours { get; set; }
    [JsonPropertyName("mn")] public decimal? Min { get; set; }
    [JsonPropertyName("mx")] public decimal? Max { get; set; }
}
