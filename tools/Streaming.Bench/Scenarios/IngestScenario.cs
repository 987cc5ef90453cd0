using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Streaming.Contracts;
using Streaming.Contracts.Avro;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Options;
using Streaming.Standalone;

namespace Streaming.Bench.Scenarios;

/// <summary>
/// Ingestion throughput: HTTP batches of 100 realistic events over keep-alive connections against
/// the standalone host (/v1/batch, answered after Kafka's ack), next to its two limits in the same
/// run: the same events produced straight to the same Kafka with Confluent.Kafka (acks=all,
/// idempotent, batches of 100 awaited like a request), and a bare Kestrel endpoint that reads and
/// discards the same bodies. Client and servers share this process, so CPU is the whole process.
/// </summary>
public sealed class IngestScenario : IBenchScenario
{
    private const int EventsPerBatch = 100;

    public string Name => "ingest";
    public string Description => "gateway HTTP /v1/batch vs Kafka produce vs bare Kestrel (--seconds N --connections N; --gateway-only, --direct: diagnostics)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var seconds = BenchArgs.Int(args, "--seconds", 10);
        var connections = BenchArgs.Int(args, "--connections", 32);
        var data = Path.Combine(Path.GetTempPath(), "streaming-bench-ingest-" + Guid.NewGuid().ToString("N")[..8]);
        Console.WriteLine($"machine: {Measure.Machine}");
        Console.WriteLine($"{seconds} s per phase, {connections} keep-alive connections, {EventsPerBatch} events per batch");

        await using var host = await StandaloneHost.StartAsync(new StandaloneOptions
        {
            DataDirectory = data,
            HttpPort = 0,
            GrpcPort = 0,
            ClickHousePort = 0,
            SchemaRegistryPort = 0,
            RedisPort = 0,
            WriteKey = "wk_bench_ingest_000000001",
            AdminKey = "ak_bench_ingest_000000001",
            // The per-write-key rate limit (default 100k/s) would cap what is measured.
            Configuration = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning", ["Gateway:RateLimitEventsPerSecond"] = "0" },
        }, cancellationToken: cancellationToken);
        try
        {
            var bodies = Enumerable.Range(0, 200).Select(Body).ToArray();
            var serdes = host.Services.GetRequiredService<Streaming.Contracts.Avro.TopicSerdes>();
            var schemaId = serdes.For(TopicCatalog.EventsRaw).WriterSchemaId;
            var records = bodies.Select(b => RecordsOf(b, schemaId)).ToArray();
            Console.WriteLine($"request body: {bodies.Average(b => b.Length) / 1024:F1} KiB for {EventsPerBatch} events");

            await using var sink = await BareKestrel.StartAsync();
            using var http = Client(connections, host.WriteKey);

            // Diagnostic: the same batches through the gateway's pipeline in-process, without HTTP.
            if (args.Contains("--direct"))
            {
                var pipeline = host.Services.GetRequiredService<Streaming.Gateway.Pipeline.IngestPipeline>();
                await RunPhaseAsync("pipeline direct", connections, seconds, async i =>
                {
                    var r = await pipeline.IngestAsync(new Streaming.Gateway.Ingestion.IngestRequest(bodies[i % bodies.Length], Streaming.Gateway.Ingestion.IngestCall.Batch, host.WriteKey, IPAddress.Loopback, null), CancellationToken.None);
                    return r.Answer is not null;
                }, cancellationToken);
                return 0;
            }
            // The gateway runs first: the in-memory Kafka grows with every phase, and that must not favour us.
            var ours = await RunPhaseAsync("gateway /v1/batch", connections, seconds, i => PostAsync(http, new Uri(host.HttpUrl, "v1/batch"), bodies[i % bodies.Length]), cancellationToken);
            if (args.Contains("--gateway-only"))
                return 0;
            var kafka = await RunPhaseAsync("kafka produce (limit)", connections, seconds, ProduceLimit(host.KafkaBootstrapServers, serdes, records), cancellationToken);
            var kestrel = await RunPhaseAsync("bare kestrel (limit)", connections, seconds, i => PostAsync(http, new Uri(sink.Url, "sink"), bodies[i % bodies.Length]), cancellationToken);
            var results = new List<PhaseResult> { ours, kafka, kestrel };
            var lowerLimit = Math.Min(kafka.EventsPerSecond, kestrel.EventsPerSecond);
            Console.WriteLine($"gateway / lower limit: {ours.EventsPerSecond / lowerLimit:P0}");
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                scenario = Name,
                machine = Measure.Machine,
                seconds,
                connections,
                events_per_batch = EventsPerBatch,
                phases = results.Select(r => new
                {
                    name = r.Name,
                    events_per_s = Math.Round(r.EventsPerSecond),
                    p50_ms = Math.Round(r.P50, 2),
                    p99_ms = Math.Round(r.P99, 2),
                    cpu_cores = Math.Round(r.CpuCores, 2),
                    rss_mib = r.RssMiB,
                    failures = r.Failures,
                }),
                gateway_events_per_s = Math.Round(ours.EventsPerSecond),
                share_of_lower_limit = Math.Round(ours.EventsPerSecond / lowerLimit, 3),
            }));
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private sealed record PhaseResult(string Name, double EventsPerSecond, double P50, double P99, double CpuCores, long RssMiB, long Failures);

    /// <summary>Runs <paramref name="connections"/> loops of one batch after another; 2 s of warm-up, then measures.</summary>
    private static async Task<PhaseResult> RunPhaseAsync(string name, int connections, int seconds, Func<int, Task<bool>> sendBatch, CancellationToken cancellationToken)
    {
        var warmUp = DateTime.UtcNow.AddSeconds(2);
        var measuring = false;
        var end = DateTime.MaxValue;
        var latencies = new ConcurrentBag<double>();
        long batches = 0, failures = 0;
        var counter = 0;
        async Task Loop()
        {
            while (!cancellationToken.IsCancellationRequested && DateTime.UtcNow < end)
            {
                var started = Stopwatch.GetTimestamp();
                var ok = await sendBatch(Interlocked.Increment(ref counter));
                if (!Volatile.Read(ref measuring))
                    continue;
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (ok)
                    Interlocked.Increment(ref batches);
                else
                    Interlocked.Increment(ref failures);
            }
        }
        var loops = Enumerable.Range(0, connections).Select(_ => Task.Run(Loop, cancellationToken)).ToArray();
        await Task.Delay(warmUp - DateTime.UtcNow, cancellationToken);
        var cpu = Measure.CpuTime();
        var pause = GC.GetTotalPauseDuration();
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        var allocated = GC.GetTotalAllocatedBytes();
        var clock = Stopwatch.StartNew();
        end = DateTime.UtcNow.AddSeconds(seconds);
        Volatile.Write(ref measuring, true);
        await Task.WhenAll(loops);
        var elapsed = clock.Elapsed.TotalSeconds;
        var cpuCores = (Measure.CpuTime() - cpu).TotalSeconds / elapsed;
        var gcPause = (GC.GetTotalPauseDuration() - pause).TotalSeconds / elapsed;
        var gcs = $"gen0 {GC.CollectionCount(0) - gen0}, gen1 {GC.CollectionCount(1) - gen1}, gen2 {GC.CollectionCount(2) - gen2}";
        var allocatedPerBatch = (GC.GetTotalAllocatedBytes() - allocated) / Math.Max(1, Interlocked.Read(ref batches) + Interlocked.Read(ref failures));
        var sorted = latencies.Order().ToList();
        var result = new PhaseResult(name, Interlocked.Read(ref batches) * EventsPerBatch / elapsed,
            Measure.Percentile(sorted, 50), Measure.Percentile(sorted, 99), cpuCores, Measure.RssBytes() >> 20, Interlocked.Read(ref failures));
        Console.WriteLine($"{name,-24} {result.EventsPerSecond,10:N0} events/s   p50 {result.P50,7:F1} ms   p99 {result.P99,7:F1} ms   CPU {result.CpuCores:F2} cores   RSS {result.RssMiB} MiB   failed batches {result.Failures}");
        Console.WriteLine($"{"",-24} GC paused {gcPause:P0} of the time ({gcs}), {allocatedPerBatch / 1024} KiB allocated per batch");
        return result;
    }

    private static Func<int, Task<bool>> ProduceLimit(string bootstrap, Streaming.Contracts.Avro.TopicSerdes serdes, List<OutboundMessage>[] records)
    {
        var producer = new KafkaEventProducer(Microsoft.Extensions.Options.Options.Create(new KafkaOptions { BootstrapServers = bootstrap }), serdes, NullLogger<KafkaEventProducer>.Instance);
        return async i =>
        {
            await producer.ProduceAllAsync(records[i % records.Length]);
            return true;
        };
    }

    private static async Task<bool> PostAsync(HttpClient http, Uri url, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(url, content);
        await response.Content.CopyToAsync(Stream.Null);
        return response.StatusCode == HttpStatusCode.OK;
    }

    private static HttpClient Client(int connections, string writeKey)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));
        return client;
    }

    private static readonly string[] UserAgents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    ];

    private static readonly string[] Events = ["Product Viewed", "Product Added", "Checkout Started", "Order Completed", "Button Clicked"];

    /// <summary>A batch as analytics.js / a server SDK sends it: mostly track and page, some identify (with PII to hash).</summary>
    private static byte[] Body(int seed)
    {
        var random = new Random(seed);
        var now = DateTimeOffset.UtcNow;
        var events = new List<object>(EventsPerBatch);
        for (var i = 0; i < EventsPerBatch; i++)
        {
            var anonymousId = $"anon-{random.Next(100_000):D6}-{seed:D4}";
            var userId = random.Next(3) == 0 ? $"user-{random.Next(50_000)}" : null;
            var at = now.AddMilliseconds(-random.Next(5_000)).ToString("O", CultureInfo.InvariantCulture);
            var context = new Dictionary<string, object?>
            {
                ["library"] = new { name = "analytics.js", version = "next-1.70.0" },
                ["page"] = new { path = "/products/42", referrer = "https://www.example.com/", search = "", title = "Trail shoes", url = "https://shop.example/products/42" },
                ["userAgent"] = UserAgents[random.Next(UserAgents.Length)],
                ["locale"] = "en-US",
                ["timezone"] = "Europe/Berlin",
                ["campaign"] = new { name = "spring", source = "newsletter", medium = "email" },
            };
            var kind = random.Next(10);
            object e = kind switch
            {
                < 6 => new
                {
                    type = "track", @event = Events[random.Next(Events.Length)], messageId = Guid.NewGuid().ToString(), anonymousId, userId,
                    originalTimestamp = at, context,
                    properties = new { product_id = $"p-{random.Next(1000)}", price = Math.Round(random.NextDouble() * 200, 2), currency = "EUR", quantity = random.Next(1, 4), category = "shoes" },
                },
                < 9 => new { type = "page", name = "Product", messageId = Guid.NewGuid().ToString(), anonymousId, userId, originalTimestamp = at, context, properties = new { path = "/products/42", title = "Trail shoes" } },
                _ => new
                {
                    type = "identify", messageId = Guid.NewGuid().ToString(), anonymousId, userId = userId ?? $"user-{random.Next(50_000)}", originalTimestamp = at, context,
                    traits = new { email = $"person{random.Next(50_000)}@example.com", phone = $"+49 30 {random.Next(1_000_000, 9_999_999)}", plan = "pro", name = "Sam Example" },
                },
            };
            events.Add(e);
        }
        return JsonSerializer.SerializeToUtf8Bytes(new { batch = events, sentAt = now.ToString("O", CultureInfo.InvariantCulture) });
    }

    /// <summary>The same events as the records the gateway would produce (for the Kafka limit).</summary>
    private static List<OutboundMessage> RecordsOf(byte[] body, int schemaId)
    {
        using var document = JsonDocument.Parse(body);
        var receivedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var messages = new List<OutboundMessage>(EventsPerBatch);
        foreach (var e in document.RootElement.GetProperty("batch").EnumerateArray())
        {
            string? Text(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            string Raw(string name) => e.TryGetProperty(name, out var v) ? v.GetRawText() : "{}";
            var record = new TrackingEvent
            {
                MessageId = Text("messageId")!,
                Type = Text("type")!,
                Event = Text("event"),
                Name = Text("name"),
                Tenant = "default",
                Source = "demo",
                AnonymousId = Text("anonymousId"),
                UserId = Text("userId"),
                Timestamp = receivedAt,
                OriginalTimestamp = receivedAt,
                ReceivedAt = receivedAt,
                Context = Raw("context"),
                Properties = Raw("properties"),
                Traits = Raw("traits"),
                Integrations = "{}",
            };
            messages.Add(new OutboundMessage(TopicCatalog.EventsRaw, PartitionKey.For("default", record.UserId ?? record.AnonymousId!), TrackingEventEncoder.Encode(schemaId, record)));
        }
        return messages;
    }

    /// <summary>A Kestrel endpoint that reads each body to the end and answers 200 with a small JSON body.</summary>
    private sealed class BareKestrel : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private BareKestrel(WebApplication app, Uri url)
        {
            _app = app;
            Url = url;
        }

        public Uri Url { get; }

        public static async Task<BareKestrel> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http1));
            var app = builder.Build();
            app.MapPost("/sink", async context =>
            {
                await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"accepted":100,"rejected":[],"warnings":[]}""", context.RequestAborted);
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new BareKestrel(app, new Uri(address.EndsWith('/') ? address : address + "/"));
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
