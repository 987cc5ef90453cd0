using System.Net.Http.Headers;
using System.Text;
using Confluent.Kafka;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Streaming.Contracts.Ingest;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Embedded.Kafka;
using Streaming.Gateway.Sources;
using Streaming.ServiceDefaults;
using Streaming.Tests.Helpers;

namespace Streaming.Gateway.Tests;

/// <summary>
/// A gateway on free loopback ports (HTTP and gRPC) in front of its own embedded Kafka. Tests
/// share one host and each creates its own source in its own tenant, so they never see each
/// other's events.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const string AdminKey = "ak_gateway_tests_0001";
    public const string PiiSalt = "gateway-tests-pii-salt-0001";
    public const string TrackingKey = "gateway-tests-tracking-key-0123456789";
    public static readonly string VaultKey = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 3 + 1)).ToArray());

    private readonly Dictionary<string, string?> _settings;
    private WebApplication? _app;

    public GatewayFixture() : this(new Dictionary<string, string?>())
    {
    }

    internal GatewayFixture(IDictionary<string, string?> settings) => _settings = new(settings);

    public EmbeddedKafka Kafka { get; private set; } = null!;

    /// <summary>What the gRPC server logged at Information and above, and everything at Error.</summary>
    public CapturedLogs Logs { get; } = new();
    public HttpClient Http { get; private set; } = null!;
    public GrpcChannel GrpcChannel { get; private set; } = null!;
    public Ingest.IngestClient Grpc { get; private set; } = null!;
    public Uri HttpUrl { get; private set; } = null!;
    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        Kafka = EmbeddedKafka.Start(1, TopicCatalog.All.Select(t => (t.Name, t.Partitions)));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Kafka:BootstrapServers"] = Kafka.BootstrapServers,
            ["Kafka:LingerMs"] = "1",
            ["Kafka:DeliveryTimeoutMs"] = "10000",
            ["Admin:ApiKey"] = AdminKey,
            ["Gateway:PiiSalt"] = PiiSalt,
            ["Gateway:TrackingKey"] = TrackingKey,
            ["Gateway:VaultKey"] = VaultKey,
            ["Gateway:GrpcPort"] = "0",
            ["Gateway:GrpcAddress"] = "127.0.0.1",
        };
        foreach (var (key, value) in SharedSchemaRegistry.Settings)
            settings[key] = value;
        foreach (var (key, value) in _settings)
            settings[key] = value;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Error)
            .AddProvider(Logs).AddFilter<CapturedLogs>("Streaming", LogLevel.Information);
        builder.AddServiceDefaults("gateway-tests");
        builder.AddGateway();
        builder.UseGatewayListeners();
        _app = builder.Build();
        _app.MapDefaultEndpoints();
        _app.MapGateway();
        await _app.StartAsync();
        await Services.GetRequiredService<SourceRegistry>().Loaded.WaitAsync(TimeSpan.FromSeconds(30));

        var listeners = Services.GetRequiredService<GatewayListeners>();
        HttpUrl = new Uri($"http://{listeners.HttpEndpoints[0]}/");
        // Generous: the machine may be shared and loaded; tests that bound a wait do so themselves.
        Http = new HttpClient { BaseAddress = HttpUrl, Timeout = TimeSpan.FromMinutes(5) };
        GrpcChannel = GrpcChannel.ForAddress($"http://{listeners.GrpcEndpoint}");
        Grpc = new Ingest.IngestClient(GrpcChannel);
    }

    /// <summary>A new source in a tenant of its own; returns the tenant and the write key.</summary>
    public async Task<TestSource> CreateSourceAsync(bool keepRawPii = false, bool dropBots = false, int? rateLimit = null, List<string>? piiPaths = null, bool captureContacts = false)
    {
        var tenant = "t" + Guid.NewGuid().ToString("N")[..10];
        var registry = Services.GetRequiredService<SourceRegistry>();
        var created = await registry.CreateAsync(tenant, "web",
            new SourceSettings { Name = "web", WriteKeyHash = "", KeepRawPii = keepRawPii, DropBots = dropBots, RateLimitEventsPerSecond = rateLimit, PiiPaths = piiPaths, CaptureContacts = captureContacts },
            "tests");
        return new TestSource(tenant, created!.WriteKey);
    }

    public static AuthenticationHeaderValue Basic(string writeKey) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));

    public Task<HttpResponseMessage> PostAsync(string path, string json, string? writeKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/'))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (writeKey is not null)
            request.Headers.Authorization = Basic(writeKey);
        return Http.SendAsync(request);
    }

    public static global::Grpc.Core.Metadata GrpcAuth(string writeKey) => new() { { "authorization", $"Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":"))}" } };

    /// <summary>
    /// The tenant's events on events.raw, read once: the gateway answers only after Kafka acknowledged,
    /// so whatever an answer reported accepted must already be there.
    /// </summary>
    public List<(string Key, TrackingEvent Event, byte[] Bytes)> ReadRaw(string tenant) =>
        [.. ReadAll(TopicCatalog.EventsRaw.Name, TopicCatalog.EventsRaw.Partitions)
            .Select(m => (Key: Encoding.UTF8.GetString(m.Key), Event: SharedSchemaRegistry.Serdes.Deserialize(TopicCatalog.EventsRaw, m.Value), Bytes: m.Value))
            .Where(x => x.Event.Tenant == tenant)];

    /// <summary>The tenant's refused events on events.rejected, read once.</summary>
    public List<RejectedEvent> ReadRejected(string tenant) =>
        [.. ReadAll(TopicCatalog.EventsRejected.Name, TopicCatalog.EventsRejected.Partitions)
            .Select(m => SharedSchemaRegistry.Serdes.Deserialize(TopicCatalog.EventsRejected, m.Value))
            .Where(r => r.Tenant == tenant)];

    /// <summary>Every message value of a topic (all tenants), read once.</summary>
    public List<byte[]> ReadValues(string topic, int partitions) => [.. ReadAll(topic, partitions).Select(m => m.Value)];

    /// <summary>Every message of a topic (all tenants) with its key and headers, read once.</summary>
    public List<Message<byte[], byte[]>> ReadAll(string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = Kafka.BootstrapServers,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).Build();
        var offsets = new List<TopicPartitionOffset>();
        var ends = new Dictionary<int, long>();
        for (var p = 0; p < partitions; p++)
        {
            var watermarks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(5));
            if (watermarks.High > watermarks.Low)
            {
                offsets.Add(new TopicPartitionOffset(topic, p, watermarks.Low));
                ends[p] = watermarks.High;
            }
        }
        var messages = new List<Message<byte[], byte[]>>();
        if (offsets.Count == 0)
            return messages;
        consumer.Assign(offsets);
        var deadline = DateTime.UtcNow + Eventually.Limit;
        while (ends.Count > 0 && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
                continue;
            if (!result.IsPartitionEOF)
                messages.Add(result.Message);
            if (result.IsPartitionEOF || result.Offset.Value + 1 >= ends.GetValueOrDefault(result.Partition.Value, long.MaxValue))
                ends.Remove(result.Partition.Value);
        }
        return messages;
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        GrpcChannel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Kafka?.Dispose();
    }
}

public sealed record TestSource(string Tenant, string WriteKey);
