namespace Streaming.ServiceDefaults.Tests.Consumers;

public sealed class ConsumerRuntime_RestartTests : IDisposable
{
    private readonly KafkaFixture _bed = new();

    [Fact]
    public async Task Runtime_stopped_mid_batch_and_restarted_loses_nothing()
    {
        const int keys = 100, perKey = 100;
        await _bed.ProduceSequencesAsync(keys, perKey);
        // After 1,000 messages every batch hangs until the stop cancels it: the first member is
        // always stopped mid-batch, however fast or slow the machine is.
        var handler = new RecordingHandler { HoldUntilCancelledAfter = 1000 };

        var first = _bed.Runtime(handler, "restart-group", s => s with { MaxBatchSize = 50, DrainTimeout = TimeSpan.FromSeconds(1) });
        await first.StartAsync(CancellationToken.None);
        await KafkaFixture.WaitUntil(() => handler.Seen.Count >= 1000, TimeSpan.FromSeconds(60), "the first member to be busy");
        await first.StopAsync(CancellationToken.None);
        var seenByFirst = handler.Seen.Count;
        Assert.True(seenByFirst < keys * perKey, "the first member must stop before finishing for this test to mean anything");
        handler.HoldUntilCancelledAfter = null;

        var second = _bed.Runtime(handler, "restart-group");
        await second.StartAsync(CancellationToken.None);
        try
        {
            await KafkaFixture.WaitUntil(() => handler.Seen.Select(s => s.Position).Distinct().Count() == keys * perKey,
                TimeSpan.FromSeconds(60), "every message handled after the restart");
            // Committed offsets mean the second member did not start over: few repeats, at most a batch per partition.
            var repeats = handler.Seen.Count - keys * perKey;
            Assert.InRange(repeats, 0, KafkaFixture.Partitions * 50);
        }
        finally
        {
            await second.StopAsync(CancellationToken.None);
        }
    }

    public void Dispose() => _bed.Dispose();
}
