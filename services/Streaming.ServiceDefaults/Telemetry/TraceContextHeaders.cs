using System.Diagnostics;
using System.Text;
using Confluent.Kafka;

namespace Streaming.ServiceDefaults.Telemetry;

/// <summary>W3C trace context (<c>traceparent</c>, <c>tracestate</c>) carried in Kafka headers.</summary>
public static class TraceContextHeaders
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    public static void Inject(Activity? activity, Headers headers)
    {
        if (activity is null)
            return;
        headers.Add(TraceParent, Encoding.ASCII.GetBytes(activity.Id!));
        if (!string.IsNullOrEmpty(activity.TraceStateString))
            headers.Add(TraceState, Encoding.ASCII.GetBytes(activity.TraceStateString));
    }

    public static ActivityContext Extract(Headers? headers)
    {
        if (headers is null || !headers.TryGetLastBytes(TraceParent, out var parent))
            return default;
        var state = headers.TryGetLastBytes(TraceState, out var stateBytes) ? Encoding.ASCII.GetString(stateBytes) : null;
        return ActivityContext.TryParse(Encoding.ASCII.GetString(parent), state, isRemote: true, out var context) ? context : default;
    }
}
