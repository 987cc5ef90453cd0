using Microsoft.Extensions.Options;
using Streaming.Journeys.Model;

namespace Streaming.Journeys.Engine;

/// <summary><see cref="JourneysOptions"/> read once into the values the engine uses.</summary>
public sealed class JourneySettings
{
    public JourneySettings(IOptions<JourneysOptions> options)
    {
        var o = options.Value;
        Caps = Parse(o.FrequencyCaps);
        _tenantCaps = o.TenantFrequencyCaps.ToDictionary(c => c.Key, c => Parse(c.Value), StringComparer.Ordinal);
        QuietHours = new QuietHours(TimeOnly.ParseExact(o.QuietHoursFrom, "HH:mm"), TimeOnly.ParseExact(o.QuietHoursTo, "HH:mm"));
        TimeZoneTrait = o.TimeZoneTrait;
        ConsentTraitPrefix = o.ConsentTraitPrefix;
        MaxInstanceEvents = o.MaxInstanceEvents;
    }

    private readonly Dictionary<string, IReadOnlyList<FrequencyCap>> _tenantCaps;

    /// <summary>The service's caps (<c>Journeys:FrequencyCaps</c>), for tenants without their own.</summary>
    public IReadOnlyList<FrequencyCap> Caps { get; }

    /// <summary>The caps of <paramref name="tenant"/>: its own (<c>Journeys:TenantFrequencyCaps:&lt;tenant&gt;</c>), else the service's.</summary>
    public IReadOnlyList<FrequencyCap> CapsFor(string tenant) => _tenantCaps.GetValueOrDefault(tenant) ?? Caps;

    // The options validator has refused unreadable caps at start.
    private static IReadOnlyList<FrequencyCap> Parse(string text) =>
        FrequencyCap.TryParseAll(text, out var caps, out var error) ? caps : throw new InvalidOperationException(error);
    public QuietHours QuietHours { get; }
    public string TimeZoneTrait { get; }
    public string ConsentTraitPrefix { get; }
    public int MaxInstanceEvents { get; }
}
