namespace Streaming.ServiceDefaults.Tests.Consumers;

public sealed class ConsumerRuntime_OutputIdTests : IDisposable
{
    private readonly KafkaFixture _bed = new();

    [Fact]
    public async Task Redelivered_messages_produce_outputs_with_the_same_ids()
    {
        const int keys = 20, perKey = 25;
        await _bed.ProduceSequencesAsync(keys, perKey);

        // Two groups read the same input: the second is a full redelivery (a replay) of the first.
        foreach (var group in new[] { "ids-first", "ids-replay" })
        {
            var handler = new RecordingHandler { OutputTopic = _bed.Output };
            var runtime = _bed.Runtime(handler, group);
            await runtime.StartAsync(CancellationToken.None);
            await KafkaFixture.WaitUntil(() => handler.Seen.Count >= keys * perKey, TimeSpan.FromSeconds(30), $"{group} to finish");
            await runtime.StopAsync(CancellationToken.None);
        }

        var outputs = _bed.ReadAll(_bed.Output.Name, KafkaFixture.Partitions, 2 * keys * perKey, TimeSpan.FromSeconds(20))
            .Select(r => _bed.Serdes.Deserialize(_bed.Output, r.Message.Value).ChangeId).ToList();
        Assert.Equal(2 * keys * perKey, outputs.Count);
        Assert.All(outputs.GroupBy(id => id), g => Assert.Equal(2, g.Count()));
    }

    public void Dispose() => _bed.Dispose();
}
