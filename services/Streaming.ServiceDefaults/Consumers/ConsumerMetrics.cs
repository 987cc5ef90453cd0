using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Streaming.ServiceDefaults.Telemetry;

namespace Streaming.ServiceDefaults.Consumers;

/// <summary>Per-subscription metrics: messages by outcome, handler latency, retries, pauses, lag per partition.</summary>
internal static class ConsumerMetrics
{
    private static readonly ServiceMetrics Metrics = ServiceMetrics.For("consumer");

    public static readonly Counter<long> Messages = Metrics.Counter(
        "messages", "{message}", "Messages handled, by subscription and outcome");

    public static readonly Histogram<double> HandlerDuration = Metrics.Histogram(
        "handler.duration", "ms", "Time to handle a batch and have its outputs acknowledged");

    public static readonly Counter<long> Retries = Metrics.Counter(
        "retries", "{attempt}", "Handler retries, by subscription and whether the failure was transient");

    public static readonly Counter<long> Pauses = Metrics.Counter(
        "pauses", "{pause}", "Partitions paused because their worker fell a whole queue behind");

    private static readonly ConcurrentDictionary<(string Subscription, string Topic, int Partition), long> Lags = new();

    static ConsumerMetrics()
    {
        Metrics.Gauge("lag", () =>
            Lags.Select(kv => new Measurement<long>(kv.Value,
                new("subscription", kv.Key.Subscription), new("topic", kv.Key.Topic), new("partition", kv.Key.Partition))),
            "{message}", "Messages not yet handled, per partition");
    }

    public static void SetLag(string subscription, string topic, int partition, long lag) => Lags[(subscription, topic, partition)] = lag;

    public static void RemoveLag(string subscription, string topic, int partition) => Lags.TryRemove((subscription, topic, partition), out _);

    public static long? GetLag(string subscription, string topic, int partition) =>
        Lags.TryGetValue((subscription, topic, partition), out var lag) ? lag : null;
}
