using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.ServiceDefaults.Tests.Consumers;

public sealed class ConsumerRuntime_OrderTests : IDisposable
{
    private readonly KafkaFixture _bed = new();

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
            await KafkaFixture.WaitUntil(() => handler.Seen.Select(s => (s.Key, s.Sequence)).Distinct().Count() == keys * perKey,
                TimeSpan.FromSeconds(60), "every message handled");
            // A rebalance can still be moving partitions after the last message (one member has released
            // some, the other not yet received them): wait for the settled spread, do not sample it.
            await KafkaFixture.WaitUntil(() => runtimes.All(r => r.AssignedPartitions.Count == KafkaFixture.Partitions / runtimes.Count),
                TimeSpan.FromSeconds(120), "the partitions spread evenly over the members");

            // Each key's first deliveries are in order (a redelivery after a rebalance repeats a suffix, never reorders).
            foreach (var perKeySeen in handler.Seen.GroupBy(s => s.Key))
            {
                var firstSeen = perKeySeen.Select(s => s.Sequence).Distinct().ToList();
                Assert.Equal(Enumerable.Range(0, perKey), firstSeen);
            }
            Assert.Equal(KafkaFixture.Partitions, runtimes.Sum(r => r.AssignedPartitions.Count));
            Assert.All(runtimes, r => Assert.Equal(4, r.AssignedPartitions.Count));
        }
        finally
        {
            foreach (var runtime in runtimes)
                await runtime.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Runtime_consumes_a_backlog_many_times_its_queue_in_order_and_loses_nothing_when_partitions_are_paused()
    {
        // A backlog (a replay, a restart after downtime) fills every partition queue at once. The
        // handler holds its first batch until the runtime has paused a partition, so the pause and
        // resume path runs every time (not only when the machine happens to be slow): a paused
        // partition refetches what librdkafka had buffered, and that must neither lose nor reorder.
        const int keys = 24, perKey = 250;
        await _bed.ProduceSequencesAsync(keys, perKey);
        ConsumerRuntime<ProfileChange>? runtime = null;
        var handler = new RecordingHandler { HoldFirstBatchUntil = () => runtime?.Pauses > 0 };
        runtime = _bed.Runtime(handler, "backlog-group", s => s with { QueueCapacity = 40, MaxBatchSize = 20 });
        await runtime.StartAsync(CancellationToken.None);
        try
        {
            await KafkaFixture.WaitUntil(() => handler.Seen.Count >= keys * perKey, TimeSpan.FromSeconds(120), "the whole backlog handled");
            Assert.True(runtime.Pauses > 0, "the first batch was held until a partition was paused");
            foreach (var perKeySeen in handler.Seen.GroupBy(s => s.Key))
                Assert.Equal(Enumerable.Range(0, perKey), perKeySeen.Select(s => s.Sequence));
            Assert.Equal(keys * perKey, handler.Seen.Count);
        }
        finally
        {
            await runtime.StopAsync(CancellationToken.None);
        }
    }

    public void Dispose() => _bed.Dispose();
}
