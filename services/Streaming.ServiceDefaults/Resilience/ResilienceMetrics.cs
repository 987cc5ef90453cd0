using System.Diagnostics.Metrics;
using Streaming.ServiceDefaults.Telemetry;

namespace Streaming.ServiceDefaults.Resilience;

/// <summary>What the pipelines of <see cref="ResiliencePipelines"/> report, tagged with the pipeline's name.</summary>
public static class ResilienceMetrics
{
    public static readonly Counter<long> Retries = StreamingTelemetry.Meter.CreateCounter<long>(
        "streaming.resilience.retries", "{attempt}", "Calls to a dependency tried again, by pipeline");

    public static readonly Counter<long> CircuitOpened = StreamingTelemetry.Meter.CreateCounter<long>(
        "streaming.resilience.circuit_opened", "{event}", "Circuits opened after repeated failures, by pipeline");

    public static readonly Counter<long> Timeouts = StreamingTelemetry.Meter.CreateCounter<long>(
        "streaming.resilience.timeouts", "{attempt}", "Attempts abandoned for taking longer than the pipeline's AttemptTimeout");
}
