using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Streaming.Contracts;
using Streaming.Contracts.Avro;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.Redis;
using Streaming.Embedded.SchemaRegistry;
using Streaming.Journeys;
using Streaming.Journeys.Storage;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Definitions;
using Streaming.ServiceDefaults.Kafka;
using Streaming.Standalone;

namespace Streaming.Bench.Scenarios;

/// <summary>
/// Journeys: (1) trigger events per second entering a journey (enter, first step a 1-day wait: a
/// durable timer and one compare-and-set per person) on real Redis and the embedded Kafka, the
/// journeys service alone; (2) end-to-end latency from the gateway's 200 to the DispatchRequest on
/// dispatch.push through the standalone host at a steady rate.
/// </summary>
public sealed class JourneysScenario : IBenchScenario
{
    private const string Tenant = "bench";

    public string Name => "journeys";
    public string Description => "trigger events/s entering journeys on Redis; gateway 200 -> DispatchRequest p50/p99 at a steady rate";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var entries = BenchArgs.Int(args, "--entries", 50_000);
        var rate = BenchArgs.Int(args, "--rate", 1_000);
        var seconds = BenchArgs.Int(args, "--seconds", 10);
        Console.WriteLine($"machine: {Measure.Machine}");
        var (entriesPerSecond, cpuCores) = await EntriesAsync(entries, cancellationToken);
        Console.WriteLine($"entries: {entries:N0} persons entered at {entriesPerSecond:N0}/s ({cpuCores:F2} cores of this process), load {Measure.LoadAverage()}");
        var latencies = await EndToEndAsync(rate, seconds, cancellationToken);
        var p50 = Measure.Percentile(latencies, 50);
        var p99 = Measure.Percentile(latencies, 99);
        Console.WriteLine($"end to end at {rate}/s for {seconds} s: {latencies.Count:N0} dispatch requests, p50 {p50:F1} ms, p99 {p99:F1} ms");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            scenario = Name,
            machine = Measure.Machine,
            entries,
            entries_per_s = Math.Round(entriesPerSecond),
            cpu_cores = Math.Round(cpuCores, 2),
            rate,
            seconds,
            dispatched = latencies.Count,
            e2e_p50_ms = Math.Round(p50, 1),
            e2e_p99_ms = Math.Round(p99, 1),
        }));
        return 0;
    }

    private static async Task<(double PerSecond, double CpuCores)> EntriesAsync(int entries, CancellationToken cancellationToken)
    {
        await using var engines = await ServiceBenchHost.StartAsync(cancellationToken);
        var (kafka, redis, registry) = (engines.Kafka, engines.Redis, engines.Registry);
        var builder = engines.CreateBuilder("journeys", lingerMs: 5);
        builder.AddJourneys();
        await using var app = builder.Build();
        app.MapJourneys();
        await app.StartAsync(cancellationToken);

        var definitions = app.Services.GetRequiredService<DefinitionStore>();
        var journey = new Journeys.Definitions.JourneyDocument { Status = Journeys.Definitions.JourneyStatus.Published, Live = 1 };
        journey.Versions.Add(new Journeys.Definitions.PublishedVersion
        {
            Version = 1,
            Definition = System.Text.Json.Nodes.JsonNode.Parse("""
                {"name": "Bench", "trigger": {"event": {"name": "Signed Up"}},
                 "steps": [{"id": "wait-1d", "type": "delay", "duration": "1d"}, {"id": "hello", "type": "send", "channel": "push", "template": "hello"}]}
                """)!.AsObject(),
        });
        await definitions.PutAsync(Tenant, DefinitionKind.Journey, "bench", journey.Write(), "bench", cancellationToken);

        var producer = app.Services.GetRequiredService<IEventProducer>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var cpu = Measure.CpuTime();
        var clock = Stopwatch.StartNew();
        for (var offset = 0; offset < entries; offset += 10_000)
        {
            var batch = Enumerable.Range(offset, Math.Min(10_000, entries - offset)).Select(i =>
            {
                var e = new IdentifiedEvent(i + 1, new TrackingEvent
                {
                    MessageId = "bench-" + i.ToString(CultureInfo.InvariantCulture), Type = "track", Event = "Signed Up", Tenant = Tenant, Source = "bench",
                    UserId = "U" + i.ToString(CultureInfo.InvariantCulture), Timestamp = now, ReceivedAt = now,
                });
                return OutboundMessage.Create(TopicCatalog.EventsIdentified, PartitionKey.For(Tenant, e.PersonId), e);
            }).ToList();
            await producer.ProduceAllAsync(batch, cancellationToken);
        }
        var store = app.Services.GetRequiredService<PersonStateStore>();
        while ((await store.StatsAsync(Tenant, "bench")).GetValueOrDefault("entered") < entries && !cancellationToken.IsCancellationRequested)
            await Task.Delay(20, cancellationToken);
        var elapsed = clock.Elapsed;
        var cores = (Measure.CpuTime() - cpu).TotalSeconds / elapsed.TotalSeconds;
        await app.StopAsync(cancellationToken);
        return (entries / elapsed.TotalSeconds, cores);
    }

    private static async Task<List<double>> EndToEndAsync(int rate, int seconds, CancellationToken cancellationToken)
    {
        var data = Path.Combine(Path.GetTempPath(), "streaming-bench-journeys-" + Guid.NewGuid().ToString("N")[..8]);
        await using var host = await StandaloneHost.StartAsync(new StandaloneOptions
        {
            DataDirectory = data,
            HttpPort = 0,
            GrpcPort = 0,
            ClickHousePort = 0,
            SchemaRegistryPort = 0,
            RedisPort = 0,
            WriteKey = "wk_bench_journeys_0000001",
            AdminKey = "ak_bench_journeys_0000001",
            Configuration = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning", ["Journeys:FrequencyCaps"] = "" },
        }, cancellationToken: cancellationToken);
        using var admin = new HttpClient { BaseAddress = host.HttpUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "ak_bench_journeys_0000001");
        admin.DefaultRequestHeaders.Add("X-Tenant", "default");
        // mustDeliver: no consent trait or quiet hours stand between the event and the request measured.
        (await admin.PutAsync("/api/definitions/journeys/welcome", new StringContent("""
            {"name": "Welcome", "trigger": {"event": {"name": "Signed Up"}}, "reentry": {"policy": "concurrent", "correlationKey": "n"}, "maxConcurrent": 100,
             "steps": [{"id": "hello", "type": "send", "channel": "push", "template": "hello", "mustDeliver": true, "variables": {"n": "event.n"}}]}
            """, Encoding.UTF8, "application/json"), cancellationToken)).EnsureSuccessStatusCode();
        (await admin.PostAsync("/api/definitions/journeys/welcome/publish", null, cancellationToken)).EnsureSuccessStatusCode();
        await Task.Delay(1000, cancellationToken);

        var accepted = new ConcurrentDictionary<string, long>();
        var latencies = new ConcurrentBag<double>();
        var serde = host.Services.GetRequiredService<TopicSerdes>().For(TopicCatalog.Dispatch("push"));
        using var stop = new CancellationTokenSource();
        var reader = Task.Factory.StartNew(() =>
        {
            using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
            {
                BootstrapServers = host.KafkaBootstrapServers, GroupId = "bench-dispatch-reader", EnableAutoCommit = false, FetchWaitMaxMs = 1,
            }).Build();
            var topic = TopicCatalog.Dispatch("push");
            consumer.Assign(Enumerable.Range(0, topic.Partitions).Select(p => new TopicPartitionOffset(topic.Name, p, Offset.End)));
            while (!stop.IsCancellationRequested)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(20)) is not { IsPartitionEOF: false, Message.Value: not null } result)
                    continue;
                var seen = Stopwatch.GetTimestamp();
                var request = serde.Deserialize(result.Message.Value);
                using var variables = JsonDocument.Parse(request.Variables);
                if (variables.RootElement.TryGetProperty("n", out var n) && accepted.TryGetValue(n.GetString()!, out var at))
                    latencies.Add(Stopwatch.GetElapsedTime(at, seen).TotalMilliseconds);
            }
        }, TaskCreationOptions.LongRunning);

        using var sdk = new HttpClient { BaseAddress = host.HttpUrl };
        sdk.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("wk_bench_journeys_0000001:")));
        var total = rate * seconds;
        var start = Stopwatch.GetTimestamp();
        var sends = new List<Task>();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate) - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero)
                await Task.Delay(due, cancellationToken);
            var n = "n" + i.ToString(CultureInfo.InvariantCulture);
            sends.Add(SendAsync(sdk, n, accepted, cancellationToken));
        }
        await Task.WhenAll(sends);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (latencies.Count < accepted.Count && DateTime.UtcNow < deadline)
            await Task.Delay(50, cancellationToken);
        await stop.CancelAsync();
        await reader;
        try
        {
            Directory.Delete(data, recursive: true);
        }
        catch (IOException)
        {
        }
        var sorted = latencies.ToList();
        sorted.Sort();
        return sorted;
    }

    private static async Task SendAsync(HttpClient sdk, string n, ConcurrentDictionary<string, long> accepted, CancellationToken cancellationToken)
    {
        var body = $$"""{"userId": "bench-{{n}}", "event": "Signed Up", "properties": {"n": "{{n}}"}, "messageId": "bench-{{n}}"}""";
        using var response = await sdk.PostAsync("v1/track", new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken);
        if (response.IsSuccessStatusCode)
            accepted[n] = Stopwatch.GetTimestamp();
    }
}
