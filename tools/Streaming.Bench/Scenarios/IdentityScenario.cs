using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Streaming.Contracts;
using Streaming.Contracts.Avro;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.Redis;
using Streaming.Embedded.SchemaRegistry;
using Streaming.Identity.Graph;
using Streaming.Identity.Pipeline;
using Streaming.Identity.Rules;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Bench.Scenarios;

/// <summary>
/// Identified events/s through the identity pipeline (consumer runtime + stitch script on real
/// Redis + produced outputs), 12 partitions, a realistic mix: 80% events of known people, 15% new
/// anonymous devices, 5% identify/alias. Also: the graph alone (no Kafka), Redis round trips per
/// event, and redis-benchmark's pipelined rate on the same server in the same run (the limit).
/// </summary>
public sealed partial class IdentityScenario : IBenchScenario
{
    private const string Tenant = "bench";
    private const int KnownPersons = 20_000;

    public string Name => "identity";
    public string Description => "identity resolution events/s on real Redis, 80/15/5 mix (--events N, --engine redis-server|garnet)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var count = BenchArgs.Int(args, "--events", 200_000);
        var engine = BenchArgs.Text(args, "--engine") == "garnet" || !RedisServerProcess.IsInstalled ? RedisEngine.Garnet : RedisEngine.RedisServer;
        using var redis = await TestRedis.StartAsync(engine, cancellationToken);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true,asyncTimeout=60000,syncTimeout=60000");
        var graph = new IdentityGraph(connection, 4096);
        var rules = IdentityRules.BuiltIn;
        Console.WriteLine($"machine: {Measure.Machine}");
        Console.WriteLine($"redis: {redis.EngineName} at {redis.ConnectionString}");

        // Known people: a member with a device each.
        for (var start = 0; start < KnownPersons; start += 500)
        {
            await graph.StitchAsync(Tenant, rules, [.. Enumerable.Range(start, 500).Select(i =>
                new StitchRequest($"seed-{i}", $"seed/0/{i}", 1_700_000_000_000, 1_700_000_000_000, "app", "identify",
                    [new Identifier("userId", $"u{i}"), new Identifier("anonymousId", $"a{i}")]))]);
        }
        var events = Workload(count);

        // 1. The graph alone: 12 writers (like 12 partitions) with batches of 500, no Kafka.
        var graphEvents = events.Take(Math.Min(count, 120_000)).Select((e, i) => (e, i)).GroupBy(x => x.i % 12).ToList();
        var graphScriptsBefore = await ScriptCalls(connection);
        var graphCommandsBefore = await CommandCalls(connection);
        var graphServerCpu = await Measure.RedisCpuSecondsAsync(connection.GetServers()[0]);
        var graphCpu = Measure.CpuTime();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(graphEvents.Select(g => Task.Run(async () =>
        {
            foreach (var chunk in g.Chunk(500))
            {
                await graph.StitchAsync(Tenant, rules, [.. chunk.Select(x =>
                    new StitchRequest("g-" + x.e.MessageId, $"graph/{g.Key}/{x.i}", x.e.ReceivedAt, x.e.Timestamp, x.e.Source, x.e.Type,
                        ReadIdentifiersStep.Run(x.e, rules).Value!))]);
            }
        }, cancellationToken)));
        var graphRate = graphEvents.Sum(g => g.Count()) / clock.Elapsed.TotalSeconds;
        var graphCpuUsed = Measure.CpuTime() - graphCpu;
        var graphServerCpuUsed = await Measure.RedisCpuSecondsAsync(connection.GetServers()[0]) - graphServerCpu;
        var graphScriptsAfter = await ScriptCalls(connection);
        var graphCommandsAfter = await CommandCalls(connection);
        var graphCount = graphEvents.Sum(g => g.Count());
        Console.WriteLine($"graph only (12 writers, batches of 500): {graphRate:N0} events/s, .NET CPU {graphCpuUsed.TotalMicroseconds / graphCount:F1} µs per event, "
            + $"Redis CPU {(graphServerCpuUsed > 0 ? $"{graphServerCpuUsed * 1e6 / graphCount:F1} µs" : "(not reported)")} per event, time inside Redis scripts "
            + (graphScriptsAfter.Calls == 0 ? "(not reported by this engine)" : $"{(double)(graphScriptsAfter.Micros - graphScriptsBefore.Micros) / graphCount:F1} µs per event"));
        if (graphCommandsAfter.Count > 0)
        {
            var inner = graphCommandsAfter
                .Select(kv => (Name: kv.Key, Calls: kv.Value - graphCommandsBefore.GetValueOrDefault(kv.Key)))
                .Where(c => c.Name is not ("eval" or "evalsha" or "info") && c.Calls > 0)
                .OrderByDescending(c => c.Calls).ToList();
            Console.WriteLine($"  Redis calls inside the script per event: {(double)inner.Sum(c => c.Calls) / graphCount:F2} ("
                + string.Join(", ", inner.Where(c => c.Calls * 100 >= graphCount).Select(c => $"{c.Name} {(double)c.Calls / graphCount:F2}")) + ")");
        }
        if (BenchArgs.Text(args, "--only") == "graph")
            return 0;

        // 2. The whole pipeline through Kafka.
        using var kafka = EmbeddedKafka.Start(1,
        [
            (TopicCatalog.EventsRaw.Name, 12), (TopicCatalog.EventsRaw.DeadLetterName, 1),
            (TopicCatalog.EventsIdentified.Name, 12), (TopicCatalog.IdentityMerges.Name, 12),
        ]);
        var options = new KafkaOptions { BootstrapServers = kafka.BootstrapServers };
        await using var registry = await CatalogSchemaRegistry.StartAsync();
        using var producer = new KafkaEventProducer(Microsoft.Extensions.Options.Options.Create(options), registry.Serdes, NullLogger<KafkaEventProducer>.Instance);
        foreach (var chunk in events.Chunk(50_000))
            await producer.ProduceAllAsync([.. chunk.Select(e => OutboundMessage.Create(TopicCatalog.EventsRaw, PartitionKey.For(Tenant, e.BestIdentifier!), e))], cancellationToken);

        var pipeline = new CountingHandler(new IdentityPipeline(new TenantRules(rules), new StitchPersonsStep(graph), graph));
        var runtime = new ConsumerRuntime<TrackingEvent>(new Subscription<TrackingEvent>(TopicCatalog.EventsRaw, "bench-identity"), pipeline, registry.Serdes, producer, options,
            TimeProvider.System, NullLoggerFactory.Instance);
        var scriptsBefore = await ScriptCalls(connection);
        var callsBefore = graph.ScriptCalls;
        var cpu = Measure.CpuTime();
        var serverCpu = await Measure.RedisCpuSecondsAsync(connection.GetServers()[0]);
        clock.Restart();
        await runtime.StartAsync(cancellationToken);
        while (pipeline.Count < count && !cancellationToken.IsCancellationRequested)
            await Task.Delay(20, cancellationToken);
        var elapsed = clock.Elapsed;
        var cpuUsed = Measure.CpuTime() - cpu;
        var serverCpuUsed = await Measure.RedisCpuSecondsAsync(connection.GetServers()[0]) - serverCpu;
        await runtime.StopAsync(CancellationToken.None);
        var scriptsAfter = await ScriptCalls(connection);
        var scripts = graph.ScriptCalls - callsBefore;
        double? redisMicrosPerEvent = scriptsAfter.Calls == 0 ? null : (double)(scriptsAfter.Micros - scriptsBefore.Micros) / count;
        var rate = count / elapsed.TotalSeconds;
        var roundTrips = (double)scripts / count;
        Console.WriteLine($"pipeline (runtime + graph + outputs): {rate:N0} events/s, CPU {cpuUsed.TotalSeconds:F1} s ({cpuUsed.TotalMicroseconds / count:F1} µs per event), "
            + $"Redis CPU {(serverCpuUsed > 0 ? $"{serverCpuUsed * 1e6 / count:F1} µs" : "(not reported)")} per event, RSS {Measure.RssBytes() / (1 << 20)} MiB");
        Console.WriteLine($"redis round trips per event: {roundTrips:F4} (script calls {scripts:N0}), time inside Redis {(redisMicrosPerEvent is { } us ? $"{us:F1} µs" : "(not reported by this engine)")} per event");

        var benchmark = RedisBenchmark(redis.ConnectionString);
        Console.WriteLine(benchmark is null
            ? "redis-benchmark: not installed"
            : $"redis-benchmark HINCRBY, 50 clients, pipeline 16: {benchmark:N0} ops/s (the server's limit in this run)");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            scenario = Name,
            engine = redis.EngineName,
            events = count,
            pipeline_events_per_s = Math.Round(rate),
            graph_only_events_per_s = Math.Round(graphRate),
            redis_round_trips_per_event = Math.Round(roundTrips, 4),
            redis_us_per_event = redisMicrosPerEvent is { } micros ? Math.Round(micros, 1) : (double?)null,
            redis_benchmark_pipelined_ops_per_s = benchmark,
            cpu_s = Math.Round(cpuUsed.TotalSeconds, 1),
            cpu_us_per_event = Math.Round(cpuUsed.TotalMicroseconds / count, 1),
            redis_cpu_us_per_event = serverCpuUsed > 0 ? Math.Round(serverCpuUsed * 1e6 / count, 1) : (double?)null,
            rss_mib = Measure.RssBytes() / (1 << 20),
        }));
        return 0;
    }

    /// <summary>80% events of known people (by device or member id), 15% new anonymous devices, 5% identify/alias.</summary>
    private static List<TrackingEvent> Workload(int count)
    {
        var random = new Random(42);
        var events = new List<TrackingEvent>(count);
        for (var i = 0; i < count; i++)
        {
            var roll = random.Next(100);
            var person = random.Next(KnownPersons);
            var e = new TrackingEvent
            {
                MessageId = $"e{i}",
                Type = "track",
                Event = "Product Viewed",
                Tenant = Tenant,
                Source = "app",
                Timestamp = 1_800_000_000_000 + i,
                ReceivedAt = 1_800_000_000_000 + i,
                Properties = """{"product_id":"p-123","price":19.99,"category":"beauty"}""",
            };
            events.Add(roll switch
            {
                < 40 => e with { AnonymousId = $"a{person}" },
                < 80 => e with { UserId = $"u{person}", AnonymousId = $"a{person}" },
                < 95 => e with { AnonymousId = $"new-{i}" },
                < 98 => e with { Type = "identify", Event = null, UserId = $"u{person}", AnonymousId = $"dev2-{person}", Traits = $$"""{"phone_hash":"ph{{person}}"}""" },
                _ => e with { Type = "alias", Event = null, UserId = $"u{person}", PreviousId = $"new-{Math.Max(0, i - 1)}" },
            });
        }
        return events;
    }

    /// <summary>Calls so far per command (INFO commandstats, which counts the calls scripts make too); empty when the engine has none.</summary>
    private static async Task<Dictionary<string, long>> CommandCalls(ConnectionMultiplexer connection)
    {
        try
        {
            var info = await connection.GetServers()[0].InfoAsync("commandstats");
            return info.SelectMany(g => g).Where(kv => kv.Key.StartsWith("cmdstat_", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key["cmdstat_".Length..], kv => long.Parse(CallsPattern().Match(kv.Value).Groups[1].Value, CultureInfo.InvariantCulture));
        }
        catch (RedisException)
        {
            return [];
        }
    }

    /// <summary>Script calls so far and the microseconds Redis spent in them (0, 0 when the engine has no INFO commandstats).</summary>
    private static async Task<(long Calls, long Micros)> ScriptCalls(ConnectionMultiplexer connection)
    {
        var server = connection.GetServers()[0];
        IGrouping<string, KeyValuePair<string, string>>[] info;
        try
        {
            info = await server.InfoAsync("commandstats");
        }
        catch (RedisException)
        {
            return (0, 0);
        }
        var scripts = info.SelectMany(g => g).Where(kv => kv.Key is "cmdstat_eval" or "cmdstat_evalsha").ToList();
        return (scripts.Sum(kv => long.Parse(CallsPattern().Match(kv.Value).Groups[1].Value, CultureInfo.InvariantCulture)),
            scripts.Sum(kv => long.Parse(MicrosPattern().Match(kv.Value).Groups[1].Value, CultureInfo.InvariantCulture)));
    }

    private static double? RedisBenchmark(string connectionString)
    {
        var port = connectionString[(connectionString.LastIndexOf(':') + 1)..];
        try
        {
            using var process = Process.Start(new ProcessStartInfo("redis-benchmark", ["-h", "127.0.0.1", "-p", port, "-n", "1000000", "-c", "50", "-P", "16", "-q", "HINCRBY", "bench:h", "f", "1"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var match = RatePattern().Match(output);
            return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    [GeneratedRegex(@"calls=(\d+)")]
    private static partial Regex CallsPattern();

    [GeneratedRegex(@"usec=(\d+)")]
    private static partial Regex MicrosPattern();

    [GeneratedRegex(@"([\d.]+) requests per second")]
    private static partial Regex RatePattern();

    private sealed class CountingHandler(IConsumerHandler<TrackingEvent> inner) : IConsumerHandler<TrackingEvent>
    {
        private long _count;
        public long Count => Interlocked.Read(ref _count);

        public async Task<IReadOnlyList<HandlerOutcome>> HandleAsync(IReadOnlyList<InboundMessage<TrackingEvent>> batch, CancellationToken cancellationToken)
        {
            var outcomes = await inner.HandleAsync(batch, cancellationToken);
            Interlocked.Add(ref _count, batch.Count);
            return outcomes;
        }
    }
}
