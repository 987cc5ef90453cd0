using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Streaming.Contracts.Avro;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Options;

namespace Streaming.ServiceDefaults.Consumers;

/// <summary>
/// The one consumer mechanism of the platform: a consumer-group member for one subscription.
/// The poll loop (its own thread) owns the Kafka consumer; each assigned partition gets a
/// <see cref="PartitionWorker{T}"/>, so partitions run concurrently and each stays in order.
/// A full partition queue holds the poll loop for a moment, then pauses that partition
/// (back-pressure) until its worker has caught up by half a queue.
/// Offsets are stored only for messages whose handling and outputs are complete, committed
/// periodically, on revoke and on shutdown.
/// </summary>
public sealed class ConsumerRuntime<T> : BackgroundService
{
    private static readonly TimeSpan LagInterval = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long the poll loop waits for room in a full partition queue before it pauses the
    /// partition. Under load a worker frees a batch's worth within milliseconds, and pausing is
    /// expensive: librdkafka drops what it prefetched for the partition and, once every partition
    /// is paused, resumes fetching only on its next wake-up, up to a second later (the profiles
    /// benchmark stalled for 0.4–0.5 s every second). A dependency outage still pauses.
    /// </summary>
    private static readonly TimeSpan FullQueueWait = TimeSpan.FromMilliseconds(200);

    private readonly Subscription<T> _subscription;
    private readonly IConsumerHandler<T> _handler;
    private readonly TopicSerdes _serdes;
    private readonly IEventProducer _producer;
    private readonly KafkaOptions _kafka;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IConsumerCommitObserver? _commits;
    private readonly ITopicIncarnations _incarnations;
    private readonly ConsumerFailures _failures;
    private readonly Dictionary<TopicPartition, PartitionWorker<T>> _workers = [];
    private readonly TaskCompletionSource _firstAssignment = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConsumerRuntime(Subscription<T> subscription, IConsumerHandler<T> handler, TopicSerdes serdes, IEventProducer producer,
        KafkaOptions kafka, TimeProvider time, ILoggerFactory loggers, ITopicIncarnations? incarnations = null, ConsumerFailures? failures = null,
        IConsumerCommitObserver? commits = null, PartitionOwnership? ownership = null)
    {
        _commits = commits;
        Ownership = ownership ?? new PartitionOwnership();
        _failures = failures ?? new ConsumerFailures();
        _incarnations = incarnations ?? new KafkaTopicIncarnations(kafka);
        _subscription = subscription;
        _handler = handler;
        // Resolved when the first partition is assigned, after the start check found the schema ids.
        _serdes = serdes;
        _producer = producer;
        _kafka = kafka;
        _time = time;
        _logger = loggers.CreateLogger($"Streaming.Consumer.{subscription.GroupId}");
    }

    public Subscription<T> Subscription => _subscription;

    /// <summary>Partitions that stopped on an unexpected error (the runtime stops with the first).</summary>
    public ConsumerFailures Failures => _failures;

    /// <summary>Completes when this member got its first partitions (useful for tests and readiness).</summary>
    public Task FirstAssignment => _firstAssignment.Task;

    /// <summary>How many times a full queue paused a partition (a worker that could not keep up for <see cref="FullQueueWait"/>).</summary>
    public long Pauses => Interlocked.Read(ref _pauses);

    private long _pauses;

    /// <summary>Partitions currently owned by this member.</summary>
    public IReadOnlyList<int> AssignedPartitions => Ownership.Owned;

    /// <summary>The partitions this member owns, kept up to date for whatever keeps state per partition (durable timers).</summary>
    public PartitionOwnership Ownership { get; }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => PollLoop(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void PollLoop(CancellationToken stoppingToken)
    {
        var config = KafkaClientConfig.Consumer(_kafka, _subscription.GroupId, $"{_subscription.GroupId}-{Environment.MachineName}");
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config)
            .SetErrorHandler((_, error) => OnError(error))
            .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
            .SetPartitionsRevokedHandler((c, partitions) => OnRevoked(c, partitions.Select(p => p.TopicPartition), commit: true))
            .SetPartitionsLostHandler((c, partitions) => OnRevoked(c, partitions.Select(p => p.TopicPartition), commit: false))
            .SetOffsetsCommittedHandler((_, committed) => ReportCommitted(committed.Offsets))
            .Build();
        _commits?.Subscribed(_subscription.GroupId, _subscription.Topic.Name);
        consumer.Subscribe(_subscription.Topic.Name);
        var nextLagUpdate = _time.GetUtcNow();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                ConsumeResult<byte[], byte[]>? result;
                try
                {
                    result = consumer.Consume(TimeSpan.FromMilliseconds(50));
                }
                catch (ConsumeException ex) when (!ex.Error.IsFatal)
                {
                    _logger.LogWarning("{Subscription} consume error: {Reason}", _subscription.Name, ex.Error.Reason);
                    continue;
                }
                if (result is { IsPartitionEOF: false, Message: not null })
                    Dispatch(consumer, result);
                FeedPausedPartitions(consumer);
                StoreCompletedOffsets(consumer);
                StopOnFailedWorker();
                if (_time.GetUtcNow() >= nextLagUpdate)
                {
                    UpdateLag(consumer);
                    nextLagUpdate = _time.GetUtcNow() + LagInterval;
                }
            }
        }
        catch (KafkaException ex) when (ex.Error.IsFatal)
        {
            _logger.LogCritical(ex, "{Subscription} fatal consumer error; stopping", _subscription.Name);
            throw;
        }
        finally
        {
            Shutdown(consumer);
        }
    }

    private void Dispatch(IConsumer<byte[], byte[]> consumer, ConsumeResult<byte[], byte[]> result)
    {
        if (!_workers.TryGetValue(result.TopicPartition, out var worker))
        {
            // A message of a partition we no longer own: it will be redelivered to its owner.
            return;
        }
        if (worker.Overflow.Count > 0 || !worker.TryEnqueue(result, FullQueueWait))
        {
            worker.Overflow.Enqueue(result);
            if (!worker.Paused)
            {
                consumer.Pause([worker.Partition]);
                worker.Paused = true;
                Interlocked.Increment(ref _pauses);
                ConsumerMetrics.Pauses.Add(1, new KeyValuePair<string, object?>("subscription", _subscription.Name));
            }
        }
    }

    /// <summary>
    /// A worker that ended with an exception has no way on: its partition would stall unseen. The
    /// failure is reported (readiness goes unhealthy) and the runtime stops, which stops the host
    /// (BackgroundService's default StopHost behaviour) so that the orchestrator restarts it.
    /// </summary>
    private void StopOnFailedWorker()
    {
        foreach (var worker in _workers.Values)
        {
            if (!worker.Completion.IsFaulted)
                continue;
            var error = worker.Completion.Exception!.GetBaseException();
            _failures.Report(_subscription.Name, worker.Partition.ToString(), error);
            _logger.LogCritical(error, "{Subscription} stops: partition {Partition} failed on an unexpected error at offset {Offset}; the service stops and /readyz reports it",
                _subscription.Name, worker.Partition, worker.NextOffset);
            throw new InvalidOperationException($"{_subscription.Name} partition {worker.Partition} stopped: {error.Message}", error);
        }
    }

    private void FeedPausedPartitions(IConsumer<byte[], byte[]> consumer)
    {
        foreach (var worker in _workers.Values)
        {
            if (!worker.Paused)
                continue;
            while (worker.Overflow.Count > 0 && worker.TryEnqueue(worker.Overflow.Peek()))
                worker.Overflow.Dequeue();
            // Resume with room for a fetch's worth: resuming at the first free slot paused it again at once.
            if (worker.Overflow.Count == 0 && worker.Queued <= _subscription.QueueCapacity / 2)
            {
                consumer.Resume([worker.Partition]);
                worker.Paused = false;
            }
        }
    }

    private void StoreCompletedOffsets(IConsumer<byte[], byte[]> consumer)
    {
        foreach (var worker in _workers.Values)
        {
            var next = worker.NextOffset;
            if (next <= worker.StoredOffset)
                continue;
            try
            {
                consumer.StoreOffset(new TopicPartitionOffset(worker.Partition, next));
                worker.StoredOffset = next;
            }
            catch (KafkaException ex)
            {
                _logger.LogWarning("{Subscription} could not store offset {Offset} for {Partition}: {Reason}", _subscription.Name, next, worker.Partition, ex.Error.Reason);
            }
        }
    }

    private void UpdateLag(IConsumer<byte[], byte[]> consumer)
    {
        foreach (var worker in _workers.Values)
        {
            var watermarks = consumer.GetWatermarkOffsets(worker.Partition);
            if (watermarks.High == Offset.Unset)
                continue;
            var done = worker.NextOffset >= 0 ? worker.NextOffset : consumer.Position(worker.Partition).Value;
            if (done >= 0)
                ConsumerMetrics.SetLag(_subscription.Name, worker.Partition.Topic, worker.Partition.Partition.Value, Math.Max(0, watermarks.High.Value - done));
        }
    }

    private void OnAssigned(List<TopicPartition> partitions)
    {
        var incarnation = partitions.Count > 0 ? ResolveIncarnation() : "";
        foreach (var partition in partitions)
        {
            if (!_workers.ContainsKey(partition))
                _workers[partition] = new PartitionWorker<T>(partition, incarnation, _subscription, _handler, _serdes.For(_subscription.Topic), _producer, _time, _logger);
        }
        Ownership.Set(_workers.Keys.Select(p => p.Partition.Value));
        _logger.LogInformation("{Subscription} assigned {Partitions}; now owns {Owned}", _subscription.Name,
            string.Join(",", partitions.Select(p => p.Partition.Value)), string.Join(",", AssignedPartitions));
        if (partitions.Count > 0)
            _firstAssignment.TrySetResult();
    }

    /// <summary>
    /// The topic's incarnation, asked at every assignment (a re-created topic gets a new one). Asked
    /// again until it answers: a fence keyed by a guessed incarnation could hide new data or let old
    /// data through, so the partitions wait (logged) rather than start without it.
    /// </summary>
    private string ResolveIncarnation()
    {
        var backoff = _subscription.InitialBackoff;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var incarnation = _incarnations.GetAsync(_subscription.Topic.Name).AsTask().GetAwaiter().GetResult();
                if (incarnation != _lastIncarnation)
                {
                    _logger.LogInformation("{Subscription} reads incarnation {Incarnation} of {Topic}", _subscription.Name, incarnation, _subscription.Topic.Name);
                    _lastIncarnation = incarnation;
                }
                return incarnation;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _logger.LogWarning("{Subscription} cannot read the incarnation of {Topic} (attempt {Attempt}), asking again in {Backoff}: {Error}",
                    _subscription.Name, _subscription.Topic.Name, attempt, backoff, ex.Message);
                Thread.Sleep(backoff);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _subscription.MaxBackoff.Ticks));
            }
        }
    }

    private string? _lastIncarnation;

    private void OnRevoked(IConsumer<byte[], byte[]> consumer, IEnumerable<TopicPartition> partitions, bool commit)
    {
        var stopping = partitions.Select(p => _workers.GetValueOrDefault(p)).OfType<PartitionWorker<T>>().ToList();
        if (stopping.Count == 0)
            return;
        Task.WaitAll([.. stopping.Select(w => w.StopAsync(_subscription.DrainTimeout))]);
        // Store, then commit, every completed position. Storing matters as much as committing: the
        // consumer's close auto-commits the *stored* offsets, and a stale stored offset would overwrite
        // the explicit commit and make the next owner repeat work (found under CPU load).
        var offsets = stopping.Where(w => w.NextOffset >= 0)
            .Select(w => new TopicPartitionOffset(w.Partition, w.NextOffset)).ToList();
        foreach (var worker in stopping.Where(w => w.NextOffset > w.StoredOffset))
        {
            try
            {
                consumer.StoreOffset(new TopicPartitionOffset(worker.Partition, worker.NextOffset));
                worker.StoredOffset = worker.NextOffset;
            }
            catch (KafkaException ex)
            {
                _logger.LogWarning("{Subscription} could not store offset {Offset} for {Partition} on revoke: {Reason}", _subscription.Name, worker.NextOffset, worker.Partition, ex.Error.Reason);
            }
        }
        if (commit && offsets.Count > 0)
        {
            try
            {
                consumer.Commit(offsets);
                _commits?.Committed(_subscription.GroupId, offsets);
            }
            catch (KafkaException ex)
            {
                _logger.LogWarning("{Subscription} commit on revoke failed (messages will be redelivered): {Reason}", _subscription.Name, ex.Error.Reason);
            }
        }
        foreach (var worker in stopping)
        {
            _workers.Remove(worker.Partition);
            ConsumerMetrics.RemoveLag(_subscription.Name, worker.Partition.Topic, worker.Partition.Partition.Value);
        }
        Ownership.Set(_workers.Keys.Select(p => p.Partition.Value));
        _logger.LogInformation("{Subscription} {Action} {Partitions}", _subscription.Name, commit ? "released" : "lost",
            string.Join(",", stopping.Select(w => w.Partition.Partition.Value)));
    }

    private void Shutdown(IConsumer<byte[], byte[]> consumer)
    {
        try
        {
            OnRevoked(consumer, [.. _workers.Keys], commit: true);
            consumer.Close();
        }
        catch (KafkaException ex)
        {
            _logger.LogWarning("{Subscription} did not leave the group cleanly: {Reason}", _subscription.Name, ex.Error.Reason);
        }
    }

    private void ReportCommitted(IList<TopicPartitionOffsetError> committed)
    {
        if (_commits is null)
            return;
        var accepted = committed.Where(c => !c.Error.IsError && c.Offset.Value >= 0).Select(c => c.TopicPartitionOffset).ToList();
        if (accepted.Count > 0)
            _commits.Committed(_subscription.GroupId, accepted);
    }

    private void OnError(Error error)
    {
        if (error.IsFatal)
            _logger.LogCritical("{Subscription} fatal Kafka error {Code}: {Reason}", _subscription.Name, error.Code, error.Reason);
        else
            _logger.LogWarning("{Subscription} Kafka error {Code}: {Reason}", _subscription.Name, error.Code, error.Reason);
    }
}
