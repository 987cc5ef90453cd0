using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Streaming.ServiceDefaults.Telemetry;

/// <summary>The one ActivitySource and Meter every Streaming component reports through.</summary>
public static class StreamingTelemetry
{
    public const string Name = "Streaming";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);
}
