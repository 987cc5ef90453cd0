using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Streaming.Conditions.Parsing;
using Streaming.Contracts;
using Streaming.Contracts.Avro;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.Redis;
using Streaming.Embedded.SchemaRegistry;
using Streaming.Profiles.Pipeline;
using Streaming.Profiles.Storage;
using Streaming.Profiles.Tags;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Definitions;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Bench.Scenarios;

/// <summary>
/// The profiles service's event path on real engines (embedded Kafka, redis-server or Garnet):
/// events/s applied with 20 active tag definitions (the behaviour and RFM packs), Redis bytes per
/// profile, and event-to-tag-change latency (produce → tag_entered read from profiles.changes).
/// </summary>
public sealed class ProfilesScenario : IBenchScenario
{
    private const string Tenant = "bench";

    public string Name => "profiles";
    public string Description => "profile updates/s with 20 tag definitions, bytes per profile, event-to-tag latency (--events N --people N --probes N --warmup N --cache-mb N)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var events = BenchArgs.Int(args, "--events", 200_000);
        var people = BenchArgs.Int(args, "--people", 20_000);
        var probes = BenchArgs.Int(args, "--probes", 200);
        var warmup = BenchArgs.Int(args, "--warmup", 300_000);
        var cacheMegabytes = BenchArgs.Int(args, "--cache-mb", (int)(ProfileCache.DefaultCapacityBytes >> 20));
        Console.WriteLine($"machine: {Measure.Machine}");

        using var kafka = EmbeddedKafka.Start(1, TopicCatalog.All.Select(t => (t.Name, t.Partitions)));
        using var redis = await TestRedis.StartAsync(cancellationToken);
        Console.WriteLine($"redis: {redis.EngineName}");
        var options = new KafkaOptions { BootstrapServers = kafka.BootstrapServers, LingerMs = 1 };
        await using var registry = await CatalogSchemaRegistry.StartAsync();
        using var producer = new KafkaEventProducer(Microsoft.Extensions.Options.Options.Create(options), registry.Serdes, NullLogger<KafkaEventProducer>.Instance);
        using var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");

        var definitions = new DefinitionStore(producer, registry.Serdes, Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, NullLogger<DefinitionStore>.Instance);
        await definitions.StartAsync(cancellationToken);
        var catalog = new TagCatalog(definitions, NullLogger<TagCatalog>.Instance);
        foreach (var tag in BuiltInPacks.All.Where(p => p.Name is "behaviour" or "rfm").SelectMany(p => p.Tags))
            await definitions.PutAsync(Tenant, TagCatalog.Kind, tag.Id, ConditionWriter.Write(ConditionParser.ParseTagDefinition(tag.Definition).GetValueOrThrow()), "bench", cancellationToken);
        Console.WriteLine($"active tag definitions: {catalog.For(Tenant).Tags.Count} ({catalog.For(Tenant).DedicatedSlots.Count} dedicated series)");

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // Warm-up events (other people, produced first) let the JIT reach its optimised code before the
        // measurement starts: on 2 cores the tier-1 recompilation competes with the work, and the same
        // build measured 63-68 µs of CPU per event after 20,000 warm-up events, 40-43 µs after 100,000
        // (the first measured second still at half speed) and 28-32 µs after 300,000.
        Console.WriteLine($"producing {warmup:N0} warm-up events, then {events:N0} events for {people:N0} people ...");
        var random = new Random(42);
        var warmupPeople = Math.Max(1, people / 10);
        for (var offset = 0; offset < warmup + events; offset += 50_000)
        {
            var batch = Enumerable.Range(offset, Math.Min(50_000, warmup + events - offset)).Select(i =>
            {
                var person = i < warmup ? people + 1 + (i % warmupPeople) : 1 + (i % people);
                var e = Event(random, person, now - random.NextInt64(30L * 86_400_000));
                return OutboundMessage.Create(TopicCatalog.EventsIdentified, PartitionKey.For(Tenant, e.PersonId), e);
            }).ToList();
            await producer.ProduceAllAsync(batch, cancellationToken);
        }

        var store = new ProfileStore(multiplexer, new ProfileCache((long)cacheMegabytes << 20));
        var handler = new CountingHandler(new ProfilePipeline(store, catalog, new Streaming.Profiles.Timers.TagTimers(multiplexer), TimeProvider.System));
        var runtime = new ConsumerRuntime<IdentifiedEvent>(Streaming.Profiles.ProfilesExtensions.EventsSubscription, handler, registry.Serdes, producer, options,
            TimeProvider.System, NullLoggerFactory.Instance);
        var server = multiplexer.GetServer(multiplexer.GetEndPoints()[0]);
        await runtime.StartAsync(cancellationToken);
        while (handler.Count < warmup && !cancellationToken.IsCancellationRequested)
            await Task.Delay(5, cancellationToken);
        var (hits, misses) = (store.Cache.Hits, store.Cache.Misses);
        var memoryBefore = UsedMemory(server);
        server.ConfigResetStatistics();
        var redisCpu = await Measure.RedisCpuSecondsAsync(server);
        var gcPause = GC.GetTotalPauseDuration();
        var gcCount = GC.CollectionCount(0);
        var (gen1, gen2) = (GC.CollectionCount(1), GC.CollectionCount(2));
        var allocated = GC.GetTotalAllocatedBytes();
        var cpu = Measure.CpuTime();
        var clock = Stopwatch.StartNew();
        // Events applied in each second of the run: a stall shows up as a dip, not just a lower average.
        var perSecond = new List<long>();
        var changesPerSecond = new List<long>();
        var (lastCount, lastOutputs) = (handler.Count, handler.Outputs);
        var nextSecond = clock.Elapsed + TimeSpan.FromSeconds(1);
        while (handler.Count < warmup + events && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(20, cancellationToken);
            if (clock.Elapsed < nextSecond)
                continue;
            perSecond.Add(handler.Count - lastCount);
            changesPerSecond.Add(handler.Outputs - lastOutputs);
            (lastCount, lastOutputs) = (handler.Count, handler.Outputs);
            nextSecond += TimeSpan.FromSeconds(1);
        }
        var elapsed = clock.Elapsed;
        var cpuUsed = Measure.CpuTime() - cpu;
        var redisCpuUsed = await Measure.RedisCpuSecondsAsync(server) - redisCpu;
        var (gcPauseUsed, gcCollections) = (GC.GetTotalPauseDuration() - gcPause, GC.CollectionCount(0) - gcCount);
        var allocatedPerEvent = (GC.GetTotalAllocatedBytes() - allocated) / events;
        var commands = server.Info("commandstats").SelectMany(g => g)
            .Select(p => (Name: p.Key.Replace("cmdstat_", "", StringComparison.Ordinal), Stats: p.Value.Split(',').Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => kv[1])))
            .Select(c => (c.Name, Calls: long.Parse(c.Stats["calls"], CultureInfo.InvariantCulture), Usec: double.Parse(c.Stats["usec"], CultureInfo.InvariantCulture)))
            .Where(c => c.Calls > 0).OrderByDescending(c => c.Usec).ToList();
        var rate = events / elapsed.TotalSeconds;
        var (cacheHits, cacheMisses) = (store.Cache.Hits - hits, store.Cache.Misses - misses);
        var cacheHitRatio = cacheHits / (double)Math.Max(1, cacheHits + cacheMisses);
        var bytesPerProfile = (UsedMemory(server) - memoryBefore) / (double)people;
        var sampled = new List<long>();
        for (var p = 1; p <= people; p += Math.Max(1, people / 200))
            sampled.Add(await store.MemoryUsageAsync(Tenant, p));
        Console.WriteLine($"applied {events:N0} events in {elapsed.TotalSeconds:F1} s: {rate:N0} events/s (service CPU {cpuUsed.TotalSeconds:F1} s, includes Kafka)");
        Console.WriteLine($"CPU per event: service {cpuUsed.TotalMicroseconds / events:F1} µs, redis-server {redisCpuUsed * 1e6 / events:F1} µs; GC: {allocatedPerEvent:N0} B allocated per event, {gcCollections} collections ({GC.CollectionCount(1) - gen1} gen1, {GC.CollectionCount(2) - gen2} gen2), {gcPauseUsed.TotalMilliseconds:F0} ms paused; load average {Measure.LoadAverage()}");
        Console.WriteLine("events applied per second: " + string.Join(" ", perSecond.Select(n => $"{n / 1000.0:F1}k")));
        Console.WriteLine("profile changes per event, by second: " + string.Join(" ", perSecond.Zip(changesPerSecond, (n, c) => $"{c / (double)Math.Max(1, n):F2}")));
        Console.WriteLine("redis commands: " + string.Join(", ", commands.Take(6).Select(c => $"{c.Name} {c.Calls:N0} calls {c.Usec / events:F1} µs/event")));
        Console.WriteLine($"redis memory per profile: {bytesPerProfile:N0} B (used_memory delta), MEMORY USAGE median {Median(sampled):N0} B");
        Console.WriteLine($"profile cache: {cacheHitRatio:P0} of loads answered ({cacheHits:N0} hits, {cacheMisses:N0} from Redis), {store.Cache.Count:N0} profiles in {store.Cache.Bytes / (1 << 20):N0} MiB of {store.Cache.CapacityBytes / (1 << 20):N0}");

        // Latency: one qualifying order at a time for a fresh person; time until its tag_entered is read back.
        var entered = new ConcurrentDictionary<(long, string), bool>();
        var changes = new TopicTail<ProfileChange>(kafka.BootstrapServers, registry.Serdes.For(TopicCatalog.ProfilesChanges), change =>
        {
            if (change.Kind == ProfileChangeKind.TagEntered)
                entered[(change.PersonId, change.TagId!)] = true;
        }, fromBeginning: false);
        await Task.Delay(1000, cancellationToken);
        var latencies = new List<double>(probes);
        for (var i = 0; i < probes && !cancellationToken.IsCancellationRequested; i++)
        {
            var person = 10_000_000L + i;
            var probe = Event(random, person, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            var order = new IdentifiedEvent(person, probe.Event with { Type = "track", Event = "Order Completed", Name = null, Properties = """{"revenue": 1500}""" });
            var sent = Stopwatch.StartNew();
            await producer.ProduceAsync(TopicCatalog.EventsIdentified, PartitionKey.For(Tenant, person), order, cancellationToken);
            while (!entered.ContainsKey((person, "big-order")))
            {
                if (sent.Elapsed > TimeSpan.FromSeconds(10))
                    throw new TimeoutException($"no big-order tag for person {person} after 10 s");
                await Task.Delay(1, cancellationToken);
            }
            latencies.Add(sent.Elapsed.TotalMilliseconds);
        }
        await changes.DisposeAsync();
        await runtime.StopAsync(CancellationToken.None);
        await definitions.StopAsync(CancellationToken.None);
        latencies.Sort();
        var (p50, p99) = (Measure.Percentile(latencies, 50), Measure.Percentile(latencies, 99));
        Console.WriteLine($"event-to-tag latency over {latencies.Count} probes: p50 {p50:F1} ms, p99 {p99:F1} ms, max {latencies[^1]:F1} ms");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            scenario = Name,
            redis = redis.EngineName,
            events,
            people,
            tag_definitions = catalog.For(Tenant).Tags.Count,
            warmup_events = warmup,
            events_per_s = Math.Round(rate),
            cache_hit_ratio = Math.Round(cacheHitRatio, 3),
            service_cpu_us_per_event = Math.Round(cpuUsed.TotalMicroseconds / events, 1),
            redis_cpu_us_per_event = Math.Round(redisCpuUsed * 1e6 / events, 1),
            load_average = Measure.LoadAverage(),
            bytes_per_profile = Math.Round(bytesPerProfile),
            memory_usage_median_bytes = Median(sampled),
            tag_latency_p50_ms = Math.Round(p50, 1),
            tag_latency_p99_ms = Math.Round(p99, 1),
            rss_mib = Measure.RssBytes() / (1 << 20),
        }));
        return 0;
    }

    private static long UsedMemory(IServer server) =>
        long.Parse(server.Info("memory").SelectMany(g => g).First(p => p.Key == "used_memory").Value, CultureInfo.InvariantCulture);

    private static long Median(List<long> values) => values.Count == 0 ? 0 : values.Order().ElementAt(values.Count / 2);

    private static readonly string[] Names = ["Page Viewed", "Product Viewed", "Product Viewed", "Product Added", "Order Completed", "Coupon Claimed", "Signed Up"];

    private static IdentifiedEvent Event(Random random, long personId, long timestamp)
    {
        var name = Names[random.Next(Names.Length)];
        var page = name == "Page Viewed";
        return new IdentifiedEvent(personId, new TrackingEvent
        {
            MessageId = Guid.NewGuid().ToString("N"),
            Type = page ? "page" : "track",
            Event = page ? null : name,
            Name = page ? "Home" : null,
            Tenant = Tenant,
            Source = "bench",
            UserId = "u" + personId.ToString(CultureInfo.InvariantCulture),
            Timestamp = timestamp,
            ReceivedAt = timestamp,
            Context = random.Next(2) == 0 ? """{"app":{"version":"2.1"}}""" : """{"page":{"path":"/"}}""",
            Properties = name == "Order Completed"
                ? $$"""{"revenue": {{random.Next(5, 2000).ToString(CultureInfo.InvariantCulture)}}, "order_id": "o{{random.Next().ToString(CultureInfo.InvariantCulture)}}"}"""
                : """{"product_id":"p-123","price":19.99}""",
        });
    }

    private sealed class CountingHandler(IConsumerHandler<IdentifiedEvent> inner) : IConsumerHandler<IdentifiedEvent>
    {
        private long _count, _outputs;
        public long Count => Interlocked.Read(ref _count);
        /// <summary>Profile changes produced (tag entered/left, trait changed).</summary>
        public long Outputs => Interlocked.Read(ref _outputs);

        public async Task<IReadOnlyList<HandlerOutcome>> HandleAsync(IReadOnlyList<InboundMessage<IdentifiedEvent>> batch, CancellationToken cancellationToken)
        {
            var outcomes = await inner.HandleAsync(batch, cancellationToken);
            Interlocked.Add(ref _outputs, outcomes.Sum(o => o.Outputs.Count));
            Interlocked.Add(ref _count, batch.Count);
            return outcomes;
        }
    }
}
