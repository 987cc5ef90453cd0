using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Streaming.Contracts.Avro;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Telemetry;

namespace Streaming.ServiceDefaults.Consumers;

/// <summary>
/// Handles one assigned partition in offset order: batches from its queue, retries, dead letters,
/// produces outputs, and publishes the next offset to commit once all of that was acknowledged.
/// The poll loop owns the Kafka consumer; this class never touches it.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable",
    Justification = "_abort has no timer or linked registration to release; a batch stuck past StopAsync may still read its token, which a disposed source would make throw.")]
internal sealed class PartitionWorker<T>
{
    private readonly Subscription<T> _subscription;
    private readonly IConsumerHandler<T> _handler;
    private readonly TopicSerde<T> _serde;
    private readonly IEventProducer _producer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<ConsumeResult<byte[], byte[]>> _queue;
    private readonly CancellationTokenSource _abort = new();
    private volatile bool _stopping;
    private long _nextOffset = -1;
    // "topic/partition@incarnation/": the cause of every output of this partition but its offset (made once, not per output)
    private readonly string _causePrefix;

    public PartitionWorker(TopicPartition partition, string incarnation, Subscription<T> subscription, IConsumerHandler<T> handler, TopicSerde<T> serde,
        IEventProducer producer, TimeProvider time, ILogger logger)
    {
        Partition = partition;
        Incarnation = incarnation;
        _causePrefix = InboundMessage.FenceKeyOf(partition.Topic, partition.Partition.Value, incarnation) + "/";
        _subscription = subscription;
        _handler = handler;
        _serde = serde;
        _producer = producer;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<ConsumeResult<byte[], byte[]>>(new BoundedChannelOptions(subscription.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        Completion = Task.Run(RunAsync);
    }

    public TopicPartition Partition { get; }

    /// <summary>The topic's incarnation when the partition was assigned (stamped on every message).</summary>
    public string Incarnation { get; }

    public Task Completion { get; }

    /// <summary>Messages the poll loop could not queue yet (the partition is paused meanwhile).</summary>
    public Queue<ConsumeResult<byte[], byte[]>> Overflow { get; } = new();

    public bool Paused { get; set; }

    /// <summary>Offset last stored on the consumer by the poll loop.</summary>
    public long StoredOffset { get; set; } = -1;

    /// <summary>The offset after the last message whose handling and outputs are complete; -1 before any.</summary>
    public long NextOffset => Interlocked.Read(ref _nextOffset);

    public int Queued => _queue.Reader.Count;

    public bool TryEnqueue(ConsumeResult<byte[], byte[]> message) => _queue.Writer.TryWrite(message);

    /// <summary>Queues the message, waiting at most <paramref name="timeout"/> for room (blocks the caller).</summary>
    public bool TryEnqueue(ConsumeResult<byte[], byte[]> message, TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (!_queue.Writer.TryWrite(message))
        {
            var left = deadline - Environment.TickCount64;
            if (left <= 0 || _stopping)
                return false;
            var room = _queue.Writer.WaitToWriteAsync(_abort.Token).AsTask();
            try
            {
                if (!room.Wait(TimeSpan.FromMilliseconds(left)) || !room.Result)
                    return false;
            }
            catch (AggregateException)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Stops after the batch in flight; gives up on it after <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        _stopping = true;
        _queue.Writer.TryComplete();
        if (await Task.WhenAny(Completion, Task.Delay(timeout)) != Completion)
        {
            await _abort.CancelAsync();
            await Task.WhenAny(Completion, Task.Delay(TimeSpan.FromSeconds(2)));
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<ConsumeResult<byte[], byte[]>>(_subscription.MaxBatchSize);
        try
        {
            while (!_stopping && await _queue.Reader.WaitToReadAsync(_abort.Token))
            {
                batch.Clear();
                while (batch.Count < _subscription.MaxBatchSize && _queue.Reader.TryRead(out var message))
                    batch.Add(message);
                if (batch.Count == 0)
                    continue;
                await ProcessAsync(batch, _abort.Token);
                Interlocked.Exchange(ref _nextOffset, batch[^1].Offset.Value + 1);
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Revoked or shutting down: what was not completed is redelivered to the next owner.
        }
        catch (Exception ex)
        {
            // Observed by the runtime's poll loop, which reports it and stops the service.
            _logger.LogCritical(ex, "Partition worker {Subscription} {Partition} stopped unexpectedly", _subscription.Name, Partition);
            throw;
        }
    }

    private async Task ProcessAsync(List<ConsumeResult<byte[], byte[]>> batch, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var parentContext = TraceContextHeaders.Extract(batch[0].Message.Headers);
        using var activity = StreamingTelemetry.Source.StartActivity($"consume {_subscription.Topic.Name}", ActivityKind.Consumer, parentContext);
        activity?.SetTag("messaging.destination.name", _subscription.Topic.Name);
        activity?.SetTag("messaging.destination.partition.id", Partition.Partition.Value);
        activity?.SetTag("messaging.batch.message_count", batch.Count);

        // Deserialize; a message that cannot be read is poison: dead-letter it, handle the rest.
        var decoded = new List<InboundMessage<T>>(batch.Count);
        var outcomes = new (HandlerOutcome Outcome, int Attempts)[batch.Count];
        var decodedIndex = new List<int>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var backoff = _subscription.InitialBackoff;
            while (true)
            {
                try
                {
                    decoded.Add(Decode(batch[i]));
                    decodedIndex.Add(i);
                    break;
                }
                catch (Exception ex) when (ex is not OperationCanceledException && TransientFailures.IsTransient(ex))
                {
                    // A schema id met for the first time needs the Schema Registry: while it is down, wait (never dead-letter).
                    _logger.LogWarning("{Subscription} waits {Backoff} to read {Partition}@{Offset}: {Reason}",
                        _subscription.Name, backoff, Partition, batch[i].Offset.Value, ex.Message);
                    await Task.Delay(backoff, _time, cancellationToken);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _subscription.MaxBackoff.Ticks));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Otherwise deserializing is pure: whatever it throws, this message will never read.
                    outcomes[i] = (HandlerOutcome.DeadLetter($"undeserializable {_subscription.Topic.PayloadType?.Name}: {ex.Message}"), 1);
                    break;
                }
            }
        }

        if (decoded.Count > 0)
        {
            var handled = await HandleWithRetriesAsync(decoded, cancellationToken);
            for (var j = 0; j < handled.Count; j++)
                outcomes[decodedIndex[j]] = handled[j];
        }

        await PublishAsync(batch, outcomes, cancellationToken);
        ConsumerMetrics.HandlerDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            new KeyValuePair<string, object?>("subscription", _subscription.Name));
    }

    private InboundMessage<T> Decode(ConsumeResult<byte[], byte[]> message) => new(
        message.Topic,
        message.Partition.Value,
        message.Offset.Value,
        message.Message.Key is null ? "" : Encoding.UTF8.GetString(message.Message.Key),
        _serde.Deserialize(message.Message.Value),
        message.Message.Timestamp.UtcDateTime,
        message.Message.Headers ?? [])
    {
        Incarnation = Incarnation,
    };

    private async Task<IReadOnlyList<(HandlerOutcome, int)>> HandleWithRetriesAsync(List<InboundMessage<T>> batch, CancellationToken cancellationToken)
    {
        var attempt = 0;
        var backoff = _subscription.InitialBackoff;
        while (true)
        {
            attempt++;
            try
            {
                var outcomes = await _handler.HandleAsync(batch, cancellationToken);
                if (outcomes.Count != batch.Count)
                    throw new InvalidOperationException($"Handler returned {outcomes.Count} outcomes for {batch.Count} messages.");
                return [.. outcomes.Select(o => (o, attempt))];
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                var transient = TransientFailures.IsTransient(ex);
                ConsumerMetrics.Retries.Add(1, new KeyValuePair<string, object?>("subscription", _subscription.Name),
                    new KeyValuePair<string, object?>("transient", transient));
                if (!transient && attempt >= _subscription.MaxAttempts)
                {
                    if (batch.Count > 1)
                        return await IsolatePoisonAsync(batch, cancellationToken);
                    _logger.LogError(ex, "{Subscription} dead-letters {Partition}@{Offset} after {Attempts} attempts",
                        _subscription.Name, Partition, batch[0].Offset, attempt);
                    return [(HandlerOutcome.DeadLetter($"{ex.GetType().Name}: {ex.Message}"), attempt)];
                }
                if (transient)
                    _logger.LogWarning("{Subscription} {Partition} waits {Backoff} for a dependency: {Error}", _subscription.Name, Partition, backoff, ex.Message);
                else
                    _logger.LogWarning(ex, "{Subscription} {Partition} attempt {Attempt} failed; retrying", _subscription.Name, Partition, attempt);
                await Task.Delay(backoff, _time, cancellationToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _subscription.MaxBackoff.Ticks));
            }
        }
    }

    /// <summary>A batch kept failing: retry its messages one by one so only the poison one is dead-lettered.</summary>
    private async Task<IReadOnlyList<(HandlerOutcome, int)>> IsolatePoisonAsync(List<InboundMessage<T>> batch, CancellationToken cancellationToken)
    {
        var outcomes = new List<(HandlerOutcome, int)>(batch.Count);
        foreach (var message in batch)
            outcomes.AddRange(await HandleWithRetriesAsync([message], cancellationToken));
        return outcomes;
    }

    /// <summary>
    /// Produces the batch's outputs and dead letters. A dependency outage is waited out. Any other
    /// failure is retried up to <c>MaxAttempts</c>, then message by message; a message whose outputs
    /// still cannot be produced (too large, refused by the broker) is dead-lettered instead, with
    /// the error. Only a dead letter that cannot be produced either escapes: the worker stops and
    /// the runtime stops the service (never a silent stall).
    /// </summary>
    private async Task PublishAsync(List<ConsumeResult<byte[], byte[]>> batch, (HandlerOutcome Outcome, int Attempts)[] outcomes, CancellationToken cancellationToken)
    {
        var attempt = 0;
        var backoff = _subscription.InitialBackoff;
        while (true)
        {
            try
            {
                attempt++;
                await PublishOnceAsync(batch, outcomes, cancellationToken);
                return;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && TransientFailures.IsTransient(ex))
            {
                // Outputs carry deterministic ids: producing some of them twice is deduplicated downstream.
                _logger.LogWarning("{Subscription} {Partition} cannot produce outputs, waiting {Backoff}: {Error}", _subscription.Name, Partition, backoff, ex.Message);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                if (attempt >= _subscription.MaxAttempts)
                {
                    if (batch.Count > 1)
                    {
                        for (var i = 0; i < batch.Count; i++)
                            await PublishAsync([batch[i]], [outcomes[i]], cancellationToken);
                        return;
                    }
                    if (outcomes[0].Outcome.Kind == OutcomeKind.DeadLetter)
                        throw;
                    _logger.LogError(ex, "{Subscription} dead-letters {Partition}@{Offset}: its outputs could not be produced after {Attempts} attempts",
                        _subscription.Name, Partition, batch[0].Offset, attempt);
                    outcomes[0] = (HandlerOutcome.DeadLetter($"outputs could not be produced: {ex.GetType().Name}: {ex.Message}"), outcomes[0].Attempts + attempt);
                    attempt = 0;
                    continue;
                }
                _logger.LogWarning(ex, "{Subscription} {Partition} producing outputs failed (attempt {Attempt}); retrying", _subscription.Name, Partition, attempt);
            }
            await Task.Delay(backoff, _time, cancellationToken);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _subscription.MaxBackoff.Ticks));
        }
    }

    private async Task PublishOnceAsync(List<ConsumeResult<byte[], byte[]>> batch, (HandlerOutcome Outcome, int Attempts)[] outcomes, CancellationToken cancellationToken)
    {
        var outputs = new List<OutboundMessage>();
        var deadLetters = new List<Task>();
        for (var i = 0; i < batch.Count; i++)
        {
            var (outcome, attempts) = outcomes[i];
            switch (outcome.Kind)
            {
                case OutcomeKind.Continue:
                    if (outcome.Outputs.Count > 0)
                    {
                        // Each output names the input it was made from: downstream fences by it (CauseHeader).
                        var cause = _causePrefix + batch[i].Offset.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        foreach (var output in outcome.Outputs)
                            outputs.Add(output with { Cause = cause });
                    }
                    break;
                case OutcomeKind.DeadLetter:
                    var headers = DeadLetterHeaders.Create(batch[i].Message.Headers, outcome.Reason ?? "unspecified", attempts,
                        batch[i].TopicPartitionOffset, _subscription.Name, _time.GetUtcNow());
                    deadLetters.Add(_producer.ProduceRawAsync(_subscription.Topic.DeadLetterName, batch[i].Message.Key, batch[i].Message.Value, headers, cancellationToken));
                    break;
                case OutcomeKind.Drop:
                    _logger.LogDebug("{Subscription} dropped {Partition}@{Offset}: {Reason}", _subscription.Name, Partition, batch[i].Offset, outcome.Reason);
                    break;
            }
        }
        await Task.WhenAll(_producer.ProduceAllAsync(outputs, cancellationToken), Task.WhenAll(deadLetters));
        foreach (var group in outcomes.GroupBy(o => o.Outcome.Kind))
        {
            ConsumerMetrics.Messages.Add(group.Count(), new KeyValuePair<string, object?>("subscription", _subscription.Name),
                new KeyValuePair<string, object?>("outcome", group.Key.ToString().ToLowerInvariant()));
        }
    }
}
