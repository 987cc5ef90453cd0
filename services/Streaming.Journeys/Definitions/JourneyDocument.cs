using System.Text.Json;
using System.Text.Json.Nodes;

namespace Streaming.Journeys.Definitions;

/// <summary>
/// The body of a <c>journey</c> document on config.definitions: the status, the draft being edited
/// and every published version (a running instance finishes on the version it entered with, so
/// versions are kept). <see cref="Live"/> is the version new entries get.
/// </summary>
public sealed class JourneyDocument
{
    public string Status { get; set; } = JourneyStatus.Draft;

    /// <summary>The definition last written by PUT (validated), published or not.</summary>
    public JsonObject? Draft { get; set; }

    public List<PublishedVersion> Versions { get; set; } = [];

    public long? Live { get; set; }

    public static JourneyDocument Read(string body) =>
        JsonSerializer.Deserialize<JourneyDocument>(body, Json) ?? new JourneyDocument();

    public string Write() => JsonSerializer.Serialize(this, Json);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

public sealed class PublishedVersion
{
    public long Version { get; set; }
    public long PublishedAt { get; set; }
    public required JsonObject Definition { get; set; }
}
