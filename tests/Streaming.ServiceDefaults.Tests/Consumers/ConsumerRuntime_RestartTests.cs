namespace Streaming.ServiceDefaults.Tests.Consumers;

public sealed class ConsumerRuntime_RestartTests : IDisposable
{
    private readonly KafkaTestBed _bed = new();

    [Fact]
    public async Task Runtime_stopped_mid_batch_and_restarted_loses_nothing()
    {
        const int keys = 100, perKey = 100;
        await _bed.ProduceSequencesAsync(keys, perKey);
        var handler = new RecordingHandler { DelayPerBatch = TimeSpan.FromMilliseconds(30) };

        var first = _bed.Runtime(handler, "restart-group", s => s with { MaxBatchSize = 50 });
        await first.StartAsync(CancellationToken.None);
        await KafkaTestBed.WaitUntil(() => handler.Seen.Count > 1000, TimeSpan.FromSeconds(30), "the first member to be busy");
        await first.StopAsync(CancellationToken.None);
        var seenByFirst = handler.Seen.Count;
        Assert.True(seenByFirst < keys * perKey, "the first member must stop before finishing for this test to mean anything");

        var second = _bed.Runtime(handler, "restart-group");
        await second.StartAsync(CancellationToken.None);
        try
        {
            await KafkaTestBed.WaitUntil(() => handler.Seen.Select(s => s.Position).Distinct().Count() == keys * perKey,
                TimeSpan.FromSeconds(60), "every message handled after the restart");
            // Committed offsets mean the second member did not start over: few repeats, at most a batch per partition.
            var repeats = handler.Seen.Count - keys * perKey;
            Assert.InRange(repeats, 0, KafkaTestBed.Partitions * 50);
        }
        finally
        {
            await second.StopAsync(CancellationToken.None);
        }
    }

    public void Dispose() => _bed.Dispose();
}
