using Streaming.ServiceDefaults.Consumers;

namespace Streaming.ServiceDefaults.Tests.Consumers;

public sealed class ConsumerRuntime_OrderTests : IDisposable
{
    private readonly KafkaTestBed _bed = new();

    [Fact]
    public async Task Runtime_keeps_order_per_key_with_12_partitions_and_3_consumers()
    {
        const int keys = 300, perKey = 40;
        await _bed.ProduceSequencesAsync(keys, perKey);
        var handler = new RecordingHandler();
        var runtimes = Enumerable.Range(0, 3).Select(_ => _bed.Runtime(handler, "order-group")).ToList();
        foreach (var runtime in runtimes)
            await runtime.StartAsync(CancellationToken.None);
        try
        {
            await KafkaTestBed.WaitUntil(() => handler.Seen.Select(s => (s.Key, s.Sequence)).Distinct().Count() == keys * perKey,
                TimeSpan.FromSeconds(60), "every message handled");
            await KafkaTestBed.WaitUntil(() => runtimes.All(r => r.AssignedPartitions.Count > 0), TimeSpan.FromSeconds(20), "all members assigned");

            // Each key's first deliveries are in order (a redelivery after a rebalance repeats a suffix, never reorders).
            foreach (var perKeySeen in handler.Seen.GroupBy(s => s.Key))
            {
                var firstSeen = perKeySeen.Select(s => s.Sequence).Distinct().ToList();
                Assert.Equal(Enumerable.Range(0, perKey), firstSeen);
            }
            Assert.Equal(KafkaTestBed.Partitions, runtimes.Sum(r => r.AssignedPartitions.Count));
            Assert.All(runtimes, r => Assert.Equal(4, r.AssignedPartitions.Count));
        }
        finally
        {
            foreach (var runtime in runtimes)
                await runtime.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Backlog_many_times_the_queue_is_consumed_in_order_without_pausing_a_worker_that_keeps_up()
    {
        // A backlog (a replay, a restart after downtime) fills every partition queue at once. A worker
        // that keeps up must not be paused: a paused partition refetches what librdkafka had buffered,
        // and with every partition paused fetching restarted only up to a second later.
        const int keys = 24, perKey = 250;
        await _bed.ProduceSequencesAsync(keys, perKey);
        var handler = new RecordingHandler();
        var runtime = _bed.Runtime(handler, "backlog-group", s => s with { QueueCapacity = 40, MaxBatchSize = 20 });
        await runtime.StartAsync(CancellationToken.None);
        try
        {
            await KafkaTestBed.WaitUntil(() => handler.Seen.Count >= keys * perKey, TimeSpan.FromSeconds(60), "the whole backlog handled");
            foreach (var perKeySeen in handler.Seen.GroupBy(s => s.Key))
                Assert.Equal(Enumerable.Range(0, perKey), perKeySeen.Select(s => s.Sequence));
            Assert.Equal(0, runtime.Pauses);
        }
        finally
        {
            await runtime.StopAsync(CancellationToken.None);
        }
    }

    public void Dispose() => _bed.Dispose();
}
