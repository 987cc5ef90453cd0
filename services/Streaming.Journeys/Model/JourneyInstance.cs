using Streaming.Contracts.Records;

namespace Streaming.Journeys.Model;

public static class WaitKind
{
    public const string Delay = "delay";
    public const string WaitUntil = "waitUntil";
    /// <summary>A send held by a frequency cap or quiet hours.</summary>
    public const string Hold = "hold";
}

/// <summary>One person in one journey: where they are, since when, and what they wait for.</summary>
public sealed class JourneyInstance
{
    public required string Id { get; set; }
    public required string JourneyId { get; set; }
    /// <summary>The published version the person entered with; they finish on it.</summary>
    public long Version { get; set; }
    public required string StepId { get; set; }
    public long EnteredAt { get; set; }
    public long StepStartedAt { get; set; }
    public string? Correlation { get; set; }
    /// <summary>A wait in progress: its kind and due time (epoch ms); null while the instance moves.</summary>
    public string? Waiting { get; set; }
    public long WakeAt { get; set; }
    /// <summary>Why the instance is where it is (held by a cap, quiet hours, waiting for an event), for the instances API.</summary>
    public string? Reason { get; set; }
    /// <summary>True while the current send step is held (by a cap or quiet hours); its send is then recorded as released.</summary>
    public bool Held { get; set; }
    /// <summary>The trigger event and the person's events and message receipts since entering (what branch conditions count).</summary>
    public List<TrackingEvent> Events { get; set; } = [];
    /// <summary>Request id of every message this instance requested, by step id (receipts find their instance by it).</summary>
    public Dictionary<string, string> Requests { get; set; } = [];

    /// <summary>A new instance at the first step of <paramref name="definition"/> (live entries and backtests start the same way).</summary>
    public static JourneyInstance Start(string id, string journeyId, long version, JourneyDefinition definition, long now, string? correlation, IEnumerable<TrackingEvent> events) => new()
    {
        Id = id,
        JourneyId = journeyId,
        Version = version,
        StepId = definition.Steps[0].Id,
        EnteredAt = now,
        StepStartedAt = now,
        Correlation = correlation,
        Events = [.. events],
    };
}
