using Confluent.Kafka;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.Cli.Redrive;

/// <summary>
/// <c>streaming redrive &lt;topic&gt;</c>: moves what <c>&lt;topic&gt;.dlq</c> holds back onto the topic, bytes and key as
/// they were (the dead-letter headers dropped), and commits its place in the dead-letter topic
/// (consumer group <c>streaming-redrive</c>) only after the broker acknowledged the copies: run it again and
/// nothing is moved twice; a crash in between moves a message again at most, and the consumers' own
/// guarantees (dispatch's send ledger: at most one send per request id) make that harmless.
/// </summary>
internal static class DeadLetterRedrive
{
    public const string GroupId = "streaming-redrive";

    public static async Task<int> RunAsync(string topic, string bootstrapServers, TextWriter output, CancellationToken cancellationToken)
    {
        var deadLetters = topic + ".dlq";
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = GroupId,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnablePartitionEof = true,
        }).Build();
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
        }).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var partitions = admin.GetMetadata(deadLetters, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Select(p => p.PartitionId).ToList();
        if (partitions.Count == 0)
            throw new ArgumentException($"There is no topic '{deadLetters}': name a consumed topic, e.g. dispatch.sms.");
        consumer.Subscribe(deadLetters);
        var atEnd = new HashSet<int>();
        var moved = 0;
        while (atEnd.Count < partitions.Count && !cancellationToken.IsCancellationRequested)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(10));
            if (result is null)
                break;
            if (result.IsPartitionEOF)
            {
                atEnd.Add(result.Partition.Value);
                continue;
            }
            atEnd.Remove(result.Partition.Value);
            var headers = new Headers();
            foreach (var header in result.Message.Headers.Where(h => !h.Key.StartsWith("dlq.", StringComparison.Ordinal)))
                headers.Add(header.Key, header.GetValueBytes());
            var origin = DeadLetterHeaders.Read(result.Message.Headers, DeadLetterHeaders.OriginTopic) ?? topic;
            await producer.ProduceAsync(origin, new Message<byte[], byte[]> { Key = result.Message.Key, Value = result.Message.Value, Headers = headers }, cancellationToken);
            consumer.Commit([new TopicPartitionOffset(result.TopicPartition, result.Offset + 1)]);
            moved++;
        }
        consumer.Close();
        await output.WriteLineAsync($"redrive {topic}: moved {moved} message(s) from {deadLetters} back to {topic}.");
        return 0;
    }
}
