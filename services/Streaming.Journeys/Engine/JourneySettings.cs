using Microsoft.Extensions.Options;
using Streaming.Journeys.Model;

namespace Streaming.Journeys.Engine;

/// <summary><see cref="JourneysOptions"/> read once into the values the engine uses.</summary>
public sealed class JourneySettings
{
    public JourneySettings(IOptions<JourneysOptions> options)
    {
        var o = options.Value;
        // The options validator has refused unreadable caps at start.
        Caps = FrequencyCap.TryParseAll(o.FrequencyCaps, out var caps, out var error) ? caps : throw new InvalidOperationException(error);
        QuietHours = new QuietHours(TimeOnly.ParseExact(o.QuietHoursFrom, "HH:mm"), TimeOnly.ParseExact(o.QuietHoursTo, "HH:mm"));
        TimeZoneTrait = o.TimeZoneTrait;
        ConsentTraitPrefix = o.ConsentTraitPrefix;
        MaxInstanceEvents = o.MaxInstanceEvents;
    }

    public IReadOnlyList<FrequencyCap> Caps { get; }
    public QuietHours QuietHours { get; }
    public string TimeZoneTrait { get; }
    public string ConsentTraitPrefix { get; }
    public int MaxInstanceEvents { get; }
}
