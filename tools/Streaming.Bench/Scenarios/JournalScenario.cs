using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.Kafka.Journal;

namespace Streaming.Bench.Scenarios;

/// <summary>
/// The standalone host's Kafka journal on its own: appends (fsynced group commits, then produced to
/// the mock cluster) from concurrent writers in batches like the gateway's, then the start-up replay
/// of everything into a fresh mock cluster, as after a restart. Replay time per million events is
/// what a restart of a long-running standalone host costs.
/// </summary>
public sealed class JournalScenario : IBenchScenario
{
    private const string Topic = "events.raw";
    private const int Partitions = 12;

    public string Name => "journal";
    public string Description => "standalone Kafka journal: fsynced appends, then start-up replay (--events N --batch N --writers N --bytes N)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var events = BenchArgs.Int(args, "--events", 1_000_000);
        var batch = BenchArgs.Int(args, "--batch", 100);
        var writers = BenchArgs.Int(args, "--writers", 32);
        var bytes = BenchArgs.Int(args, "--bytes", 700);
        var folder = Path.Combine(Path.GetTempPath(), "streaming-bench-journal-" + Guid.NewGuid().ToString("N")[..8]);
        var options = new KafkaJournalOptions { Directory = folder, Topics = [new EmbeddedTopic(Topic, Partitions)] };
        Console.WriteLine($"machine: {Measure.Machine}, load {Measure.LoadAverage()}");
        Console.WriteLine($"{events:N0} events of {bytes} B, batches of {batch}, {writers} concurrent writers");
        try
        {
            var value = new byte[bytes];
            Random.Shared.NextBytes(value);
            double appendRate;
            using (var kafka = EmbeddedKafka.Start())
            await using (var journal = await KafkaJournal.OpenAsync(options, kafka, cancellationToken))
            {
                var next = -1;
                var clock = Stopwatch.StartNew();
                await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
                {
                    while (true)
                    {
                        var first = Interlocked.Add(ref next, batch) - batch + 1;
                        if (first >= events)
                            return;
                        var count = Math.Min(batch, events - first);
                        await journal.AppendAsync([.. Enumerable.Range(first, count).Select(i =>
                            new JournalEntry(Topic, System.Text.Encoding.UTF8.GetBytes("default:user-" + (i % 100_000).ToString(CultureInfo.InvariantCulture)), value))]);
                    }
                }, cancellationToken)));
                appendRate = events / clock.Elapsed.TotalSeconds;
                Console.WriteLine($"append (fsync, then acknowledged by the mock)  {appendRate,12:N0} events/s  ({clock.Elapsed.TotalSeconds:F1} s)");
            }

            var onDisk = Directory.EnumerateFiles(folder, "*.segment").Sum(f => new FileInfo(f).Length);
            using (var kafka = EmbeddedKafka.Start())
            await using (var journal = await KafkaJournal.OpenAsync(options with { Progress = Console.WriteLine }, kafka, cancellationToken))
            {
                var replay = journal.Replayed;
                var perMillion = replay.Duration.TotalSeconds / replay.Messages * 1_000_000;
                Console.WriteLine($"replay into a fresh mock cluster                 {replay.MessagesPerSecond,12:N0} events/s  ({replay.Duration.TotalSeconds:F1} s, {perMillion:F1} s per million events, {onDisk / 1048576.0:F0} MiB on disk)");
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    scenario = Name,
                    machine = Measure.Machine,
                    load = Measure.LoadAverage(),
                    events,
                    event_bytes = bytes,
                    append_events_per_s = Math.Round(appendRate),
                    replay_events_per_s = Math.Round(replay.MessagesPerSecond),
                    replay_s_per_million = Math.Round(perMillion, 2),
                    journal_mib = Math.Round(onDisk / 1048576.0, 1),
                }));
            }
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
