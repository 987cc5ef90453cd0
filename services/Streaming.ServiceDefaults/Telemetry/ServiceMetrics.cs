using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;

namespace Streaming.ServiceDefaults.Telemetry;

/// <summary>
/// The one way to create an instrument: on the one <see cref="StreamingTelemetry.Meter"/>, named
/// <c>streaming.&lt;service&gt;.&lt;name&gt;</c>, so every metric of the platform is found under one
/// prefix and a dashboard query never guesses which service spelled its names how.
/// <code>
/// private static readonly ServiceMetrics Metrics = ServiceMetrics.For("identity");
/// private static readonly Counter&lt;long&gt; Merges = Metrics.Counter("merges", "{merge}", "Person merges, by outcome");
/// </code>
/// </summary>
public sealed partial class ServiceMetrics
{
    private ServiceMetrics(string service) => Service = service;

    /// <summary>The service part of every name, e.g. <c>gateway</c> (or <c>consumer</c> for the shared runtime).</summary>
    public string Service { get; }

    /// <summary>Instruments of <paramref name="service"/>: lower-case letters, digits and '_'.</summary>
    public static ServiceMetrics For(string service) =>
        ServicePart().IsMatch(service)
            ? new ServiceMetrics(service)
            : throw new ArgumentException($"Metric service name '{service}' must be lower-case letters, digits and '_' (e.g. 'gateway').", nameof(service));

    /// <summary>The full instrument name, <c>streaming.&lt;service&gt;.&lt;name&gt;</c>.</summary>
    public string NameOf(string name)
    {
        if (!NamePart().IsMatch(name))
            throw new ArgumentException($"Metric name '{name}' must be dot-separated lower-case words of letters, digits and '_' (e.g. 'events.accepted').", nameof(name));
        // The prefix is added here once; a name that repeats it would read streaming.gateway.gateway.*.
        if (name.StartsWith("streaming.", StringComparison.Ordinal) || name.StartsWith(Service + ".", StringComparison.Ordinal))
            throw new ArgumentException($"Metric name '{name}' must not repeat the prefix: pass the part after 'streaming.{Service}.'.", nameof(name));
        return $"streaming.{Service}.{name}";
    }

    public Counter<long> Counter(string name, string unit, string description) =>
        StreamingTelemetry.Meter.CreateCounter<long>(NameOf(name), unit, description);

    public Histogram<double> Histogram(string name, string unit, string description) =>
        StreamingTelemetry.Meter.CreateHistogram<double>(NameOf(name), unit, description);

    public ObservableGauge<long> Gauge(string name, Func<IEnumerable<Measurement<long>>> observe, string unit, string description) =>
        StreamingTelemetry.Meter.CreateObservableGauge(NameOf(name), observe, unit, description);

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex ServicePart();

    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")]
    private static partial Regex NamePart();
}
