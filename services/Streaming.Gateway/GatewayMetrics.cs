using System.Diagnostics.Metrics;
using Streaming.ServiceDefaults.Telemetry;

namespace Streaming.Gateway;

/// <summary>The gateway's outcomes per step: events accepted, rejected (by reason), dropped; request failures; accept latency.</summary>
public sealed class GatewayMetrics
{
    private readonly Counter<long> _accepted = StreamingTelemetry.Meter.CreateCounter<long>("gateway.events.accepted", "{event}");
    private readonly Counter<long> _rejected = StreamingTelemetry.Meter.CreateCounter<long>("gateway.events.rejected", "{event}");
    private readonly Counter<long> _dropped = StreamingTelemetry.Meter.CreateCounter<long>("gateway.events.dropped", "{event}");
    private readonly Counter<long> _failed = StreamingTelemetry.Meter.CreateCounter<long>("gateway.requests.failed", "{request}");
    private readonly Counter<long> _unavailable = StreamingTelemetry.Meter.CreateCounter<long>("gateway.requests.unavailable", "{request}");
    private readonly Histogram<double> _latency = StreamingTelemetry.Meter.CreateHistogram<double>("gateway.accept.duration", "ms", "Time from request received to answer, Kafka acknowledgement included");

    public void Accepted(string tenant, int count) => _accepted.Add(count, new KeyValuePair<string, object?>("tenant", tenant));

    public void Rejected(string tenant, string reason) =>
        _rejected.Add(1, new KeyValuePair<string, object?>("tenant", tenant), new KeyValuePair<string, object?>("reason", reason));

    public void Dropped(string tenant, int count) => _dropped.Add(count, new KeyValuePair<string, object?>("tenant", tenant));

    public void Failed(string code) => _failed.Add(1, new KeyValuePair<string, object?>("code", code));

    public void Unavailable(string cause) => _unavailable.Add(1, new KeyValuePair<string, object?>("cause", cause));

    public void Latency(double milliseconds, string api) => _latency.Record(milliseconds, new KeyValuePair<string, object?>("api", api));
}
