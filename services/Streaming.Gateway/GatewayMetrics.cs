using System.Diagnostics.Metrics;
using Streaming.ServiceDefaults.Telemetry;

namespace Streaming.Gateway;

/// <summary>The gateway's outcomes per step: events accepted, rejected (by reason), dropped; request failures; accept latency.</summary>
public sealed class GatewayMetrics
{
    private static readonly ServiceMetrics Metrics = ServiceMetrics.For("gateway");

    private readonly Counter<long> _accepted = Metrics.Counter("events.accepted", "{event}", "Events written to events.raw, by tenant");
    private readonly Counter<long> _rejected = Metrics.Counter("events.rejected", "{event}", "Events refused and kept on events.rejected, by tenant and reason");
    private readonly Counter<long> _dropped = Metrics.Counter("events.dropped", "{event}", "Events a step dropped instead of writing them, by tenant");
    private readonly Counter<long> _failed = Metrics.Counter("requests.failed", "{request}", "Requests answered with an error, by code");
    private readonly Counter<long> _unavailable = Metrics.Counter("requests.unavailable", "{request}", "Requests answered 503, by cause");
    private readonly Histogram<double> _latency = Metrics.Histogram("accept.duration", "ms", "Time from request received to answer, Kafka acknowledgement included");

    public void Accepted(string tenant, int count) => _accepted.Add(count, new KeyValuePair<string, object?>("tenant", tenant));

    public void Rejected(string tenant, string reason) =>
        _rejected.Add(1, new KeyValuePair<string, object?>("tenant", tenant), new KeyValuePair<string, object?>("reason", reason));

    public void Dropped(string tenant, int count) => _dropped.Add(count, new KeyValuePair<string, object?>("tenant", tenant));

    public void Failed(string code) => _failed.Add(1, new KeyValuePair<string, object?>("code", code));

    public void Unavailable(string cause) => _unavailable.Add(1, new KeyValuePair<string, object?>("cause", cause));

    public void Latency(double milliseconds, string api) => _latency.Record(milliseconds, new KeyValuePair<string, object?>("api", api));
}
