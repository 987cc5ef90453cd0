namespace Streaming.Analytics.Pipeline;

/// <summary>
/// Step: batches by size and time. A full batch is written at once; a smaller one waits until the
/// partition's last insert is <see cref="Interval"/> old, so under light traffic each partition
/// inserts at most once per interval (messages pile up in the runtime's queue meanwhile and the
/// next batch is larger) instead of creating one tiny ClickHouse part per message.
/// </summary>
internal sealed class FlushPacing(TimeProvider clock, TimeSpan interval, int fullBatch)
{
    private readonly Dictionary<(string, int), long> _lastFlush = [];
    private readonly Lock _gate = new();

    public TimeSpan Interval => interval;

    public async Task WaitAsync(string topic, int partition, int batchSize, CancellationToken cancellationToken)
    {
        if (batchSize >= fullBatch || interval <= TimeSpan.Zero)
            return;
        long last;
        lock (_gate)
        {
            if (!_lastFlush.TryGetValue((topic, partition), out last))
                return;
        }
        var wait = interval - clock.GetElapsedTime(last);
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait, clock, cancellationToken);
    }

    public void Flushed(string topic, int partition)
    {
        lock (_gate)
            _lastFlush[(topic, partition)] = clock.GetTimestamp();
    }
}
