using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Streaming.Gateway.Ingestion;
using Streaming.ServiceDefaults.Kafka;

namespace Streaming.Gateway.Pipeline;

/// <summary>
/// Durable accept: produces the accepted events (events.raw) and the refused ones (events.rejected)
/// and answers only once Kafka acknowledged every one (acks=all, idempotent producer). When Kafka
/// does not acknowledge in time, or too much is already waiting, the answer is 503 with Retry-After
/// and nothing is reported accepted: the SDK retries the batch and downstream deduplicates by messageId.
/// </summary>
public sealed class DeliverEventsStep(IEventProducer producer, IOptions<GatewayOptions> options, GatewayMetrics metrics, ILogger<DeliverEventsStep> logger)
{
    private readonly GatewayOptions _options = options.Value;
    private long _inFlight;

    /// <summary>Messages handed to Kafka and not yet acknowledged or failed.</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    public async Task<IngestResult> RunAsync(IReadOnlyList<OutboundMessage> messages, IngestAnswer answer, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
            return answer;
        if (Interlocked.Add(ref _inFlight, messages.Count) > _options.MaxInFlightEvents)
        {
            Interlocked.Add(ref _inFlight, -messages.Count);
            metrics.Unavailable("backpressure");
            return Unavailable("overloaded", $"More than {_options.MaxInFlightEvents} events are waiting for Kafka (Gateway:MaxInFlightEvents); nothing of this request was accepted. Retry later.");
        }

        Task produced;
        try
        {
            produced = producer.ProduceAllAsync(messages, CancellationToken.None);
        }
        catch (KafkaException ex)
        {
            Interlocked.Add(ref _inFlight, -messages.Count);
            return Failed(ex);
        }
        // The counter follows the producer, not the request: a request that gave up still has messages queued.
        _ = produced.ContinueWith((_, state) => Interlocked.Add(ref ((DeliverEventsStep)state!)._inFlight, -messages.Count),
            this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        try
        {
            await produced.WaitAsync(_options.AckTimeout, cancellationToken);
            return answer;
        }
        catch (TimeoutException)
        {
            metrics.Unavailable("ack_timeout");
            return Unavailable("kafka_unavailable", $"Kafka did not acknowledge the events within {_options.AckTimeout.TotalSeconds:0.#} s (Gateway:AckTimeout); nothing of this request was accepted. Retry later.");
        }
        catch (KafkaException ex)
        {
            return Failed(ex);
        }
    }

    private IngestResult Failed(KafkaException ex)
    {
        metrics.Unavailable(ex.Error.Code.ToString());
        logger.LogWarning("Kafka refused or failed a delivery: {Code} {Reason}", ex.Error.Code, ex.Error.Reason);
        return Unavailable("kafka_unavailable", $"Kafka did not acknowledge the events ({ex.Error.Reason}); nothing of this request was accepted. Retry later.");
    }

    private IngestFailure Unavailable(string code, string message) =>
        new(IngestFailureKind.Unavailable, code, message) { RetryAfter = _options.UnavailableRetryAfter };
}
