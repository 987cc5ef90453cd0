namespace Streaming.Journeys.Definitions;

/// <summary>The lifecycle: draft → published ⇄ paused → archived. Only a published journey lets people enter.</summary>
public static class JourneyStatus
{
    public const string Draft = "draft";
    public const string Published = "published";
    public const string Paused = "paused";
    public const string Archived = "archived";
}
