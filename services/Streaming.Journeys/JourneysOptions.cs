using System.ComponentModel.DataAnnotations;

namespace Streaming.Journeys;

/// <summary>Journeys service settings (section <c>Journeys</c>; env <c>Journeys__*</c>).</summary>
public sealed class JourneysOptions
{
    public const string Section = "Journeys";

    /// <summary>Consumer group of every subscription of the service.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Journeys:GroupId must name the consumer group, e.g. journeys (env Journeys__GroupId).")]
    public string GroupId { get; set; } = "journeys";

    /// <summary>
    /// Tenant-wide frequency caps on marketing messages, comma-separated <c>[channel:]max/window</c>,
    /// window a rolling duration (<c>24h</c>, <c>7d</c>) or <c>day</c> (the person's calendar day):
    /// <c>2/24h, sms:1/day</c>. The strictest rule wins; empty: no caps.
    /// </summary>
    public string FrequencyCaps { get; set; } = "2/24h";

    /// <summary>
    /// A tenant's own caps, replacing <see cref="FrequencyCaps"/> for that tenant (same form; empty: none):
    /// <c>Journeys:TenantFrequencyCaps:acme = "3/24h, sms:1/day"</c> (env <c>Journeys__TenantFrequencyCaps__acme</c>).
    /// </summary>
    public Dictionary<string, string> TenantFrequencyCaps { get; set; } = [];

    /// <summary>Default quiet hours, local time of the person (a journey may set its own): sends are held from..to.</summary>
    public string QuietHoursFrom { get; set; } = "21:00";

    public string QuietHoursTo { get; set; } = "08:00";

    /// <summary>The trait holding the person's IANA time zone; the journey's zone when missing.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Journeys:TimeZoneTrait must name the trait with the person's time zone, e.g. timezone (env Journeys__TimeZoneTrait).")]
    public string TimeZoneTrait { get; set; } = "timezone";

    /// <summary>Marketing sends need the trait <c>&lt;prefix&gt;&lt;channel&gt;</c> to be true (consent_sms).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Journeys:ConsentTraitPrefix must be the prefix of consent traits, e.g. consent_ (env Journeys__ConsentTraitPrefix).")]
    public string ConsentTraitPrefix { get; set; } = "consent_";

    /// <summary>Events an instance keeps for its branch conditions (the oldest beyond go; the trigger stays).</summary>
    [Range(4, 1000, ErrorMessage = "Journeys:MaxInstanceEvents must be 4..1000, e.g. 50 (env Journeys__MaxInstanceEvents).")]
    public int MaxInstanceEvents { get; set; } = 50;
}
