using Confluent.Kafka;
using Streaming.Contracts.Avro;

namespace Streaming.Embedded.Kafka;

/// <summary>
/// Follows every partition of a topic on its own thread (no consumer group offsets are committed)
/// and hands each decoded record to <c>onRecord</c>, until disposed. Tests and benchmarks use it to
/// watch what a service published, from the beginning of the topic or from now on.
/// </summary>
public sealed class TopicTail<T> : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public TopicTail(string bootstrapServers, TopicSerde<T> serde, Action<T> onRecord, bool fromBeginning = true)
    {
        var topic = serde.Topic;
        _loop = Task.Factory.StartNew(() =>
        {
            using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
            {
                BootstrapServers = bootstrapServers,
                GroupId = "tail-" + Guid.NewGuid().ToString("N"),
                EnableAutoCommit = false,
                FetchWaitMaxMs = 1,
            }).Build();
            var start = fromBeginning ? Offset.Beginning : Offset.End;
            consumer.Assign(Enumerable.Range(0, topic.Partitions).Select(p => new TopicPartitionOffset(topic.Name, p, start)));
            while (!_stop.IsCancellationRequested)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(20));
                if (result is { IsPartitionEOF: false, Message.Value: not null })
                    onRecord(serde.Deserialize(result.Message.Value));
            }
            consumer.Close();
        }, TaskCreationOptions.LongRunning);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
