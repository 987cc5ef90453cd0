using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Streaming.Contracts.Topics;
using Streaming.Embedded.ClickHouse;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.Redis;
using Streaming.ServiceDefaults;

namespace Streaming.Standalone;

/// <summary>
/// The whole system in one process: embedded Kafka (librdkafka mock cluster, in memory),
/// Redis (Garnet, persisted to the data folder), ClickHouse (chDB behind a ClickHouse HTTP
/// endpoint, persisted to the data folder), then every service on one HTTP and one gRPC port.
/// </summary>
public sealed class StandaloneHost : IAsyncDisposable
{
    private readonly EmbeddedKafka _kafka;
    private readonly EmbeddedGarnet _redis;
    private readonly EmbeddedClickHouse _clickHouse;
    private readonly WebApplication _app;

    private StandaloneHost(EmbeddedKafka kafka, EmbeddedGarnet redis, EmbeddedClickHouse clickHouse, WebApplication app, Credentials credentials, TimeSpan startup)
    {
        _kafka = kafka;
        _redis = redis;
        _clickHouse = clickHouse;
        _app = app;
        Credentials = credentials;
        StartupTime = startup;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();
        HttpUrl = new Uri(addresses[0]);
        GrpcUrl = new Uri(addresses[1]);
    }

    public Uri HttpUrl { get; }
    public Uri GrpcUrl { get; }
    public Uri ClickHouseUrl => _clickHouse.Endpoint;
    public string ClickHouseConnectionString => _clickHouse.ConnectionString;
    public string RedisConnectionString => _redis.ConnectionString;
    public string KafkaBootstrapServers => _kafka.BootstrapServers;
    public string WriteKey => Credentials[Credentials.WriteKey];

    /// <summary>The bootstrap admin key when known this run (generated now or given); otherwise only its hash is kept.</summary>
    public string? AdminKey => Credentials.Known(Credentials.AdminKey);

    public string RedisPassword => Credentials[Credentials.RedisPassword];
    public TimeSpan StartupTime { get; }
    public IServiceProvider Services => _app.Services;
    public Credentials Credentials { get; }

    public static async Task<StandaloneHost> StartAsync(StandaloneOptions options, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        progress ??= _ => { };
        Directory.CreateDirectory(options.DataDirectory);
        var credentials = Credentials.Resolve(options);
        var redisOptions = new EmbeddedGarnetOptions
        {
            Port = options.RedisPort,
            ListenAddress = options.ListenAddress,
            Password = credentials[Credentials.RedisPassword],
            DataDirectory = Path.Combine(options.DataDirectory, "redis"),
        };
        var clickHouseOptions = new EmbeddedClickHouseOptions
        {
            DataPath = Path.Combine(options.DataDirectory, "clickhouse"),
            Port = options.ClickHousePort,
            ListenAddress = options.ListenAddress,
            Progress = progress,
        };
        if (ListenPolicy.Refusal(options.ListenAddress,
            [
                new("HTTP API", true, "API keys on /api/*, write keys on /v1/*; /healthz and /readyz are open"),
                new("gRPC ingest", true, "write keys"),
                new("Redis", redisOptions.Password is not null, "password"),
                new("ClickHouse HTTP", clickHouseOptions.Password is not null, "its users have no passwords yet"),
            ]) is { } refusal)
            throw new InvalidOperationException(refusal);

        progress("starting Kafka (in-memory mock cluster) ...");
        var kafka = EmbeddedKafka.Start(options.KafkaBrokers, TopicCatalog.All.Select(t => (t.Name, t.Partitions)));
        EmbeddedGarnet? redis = null;
        EmbeddedClickHouse? clickHouse = null;
        try
        {
            progress("starting Redis (Garnet) ...");
            redis = EmbeddedGarnet.Start(redisOptions);
            progress("starting ClickHouse (chDB) ...");
            clickHouse = await EmbeddedClickHouse.StartAsync(clickHouseOptions, cancellationToken);

            progress("starting services ...");
            var app = BuildApplication(options, credentials, kafka, redis, clickHouse);
            await app.StartAsync(cancellationToken);
            await StandaloneServices.AfterStartAsync(app, credentials, cancellationToken);
            return new StandaloneHost(kafka, redis, clickHouse, app, credentials, clock.Elapsed);
        }
        catch
        {
            if (clickHouse is not null)
                await clickHouse.DisposeAsync();
            redis?.Dispose();
            kafka.Dispose();
            throw;
        }
    }

    private static WebApplication BuildApplication(StandaloneOptions options, Credentials credentials, EmbeddedKafka kafka, EmbeddedGarnet redis, EmbeddedClickHouse clickHouse)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        var settings = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Redis:Configuration"] = redis.ConnectionString + ",abortConnect=false",
            ["ClickHouse:ConnectionString"] = clickHouse.ConnectionString,
            // The host only verifies the bootstrap key: the services get its hash, never the key.
            ["Admin:ApiKeyHash"] = credentials.HashOf(Credentials.AdminKey),
            ["Gateway:GrpcPort"] = options.GrpcPort.ToString(CultureInfo.InvariantCulture),
            ["Gateway:PiiSalt"] = credentials[Credentials.PiiSalt],
        };
        foreach (var (key, value) in options.Configuration)
            settings[key] = value;
        builder.Configuration.AddInMemoryCollection(settings);
        var address = IPAddress.Parse(options.ListenAddress);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, options.HttpPort, o => o.Protocols = HttpProtocols.Http1);
            kestrel.Listen(address, options.GrpcPort, o => o.Protocols = HttpProtocols.Http2);
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        builder.AddServiceDefaults("streaming-standalone");
        StandaloneServices.Add(builder);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        StandaloneServices.Map(app);
        return app;
    }

    /// <summary>What a person needs to start using the system.</summary>
    public string Describe() => string.Join(Environment.NewLine,
    [
        $"Streaming is ready (started in {StartupTime.TotalSeconds:F1} s).",
        "",
        $"  HTTP API        {HttpUrl}   (Segment-compatible /v1/*, admin and analytics /api/*, /healthz, /readyz)",
        $"  gRPC ingest     {GrpcUrl}   (HTTP/2 cleartext)",
        $"  ClickHouse HTTP {ClickHouseUrl}   (database streaming; BI views in bi)",
        $"  Redis           {RedisConnectionString.Split(',')[0]}   (password {RedisPassword})",
        $"  Kafka           {KafkaBootstrapServers}   (in memory: topics are empty after a restart)",
        "",
        "  Demo source     tenant 'default', source 'demo'",
        $"  Write key       {WriteKey}",
        AdminKey is { } adminKey
            ? $"  Admin key       {adminKey}   (Authorization: Bearer <key>; {(Credentials.WasGenerated(Credentials.AdminKey) ? "generated now and kept only hashed: save it, it is not shown again" : "as given")})"
            : $"  Admin key       kept hashed in {Credentials.FilePath}; shown only when generated (lost it? start once with --new-admin-key)",
        $"  Credentials     {Credentials.FilePath}   (mode 600; docs/security.md)",
        "",
        $"  Try: curl -u {WriteKey}: -H 'Content-Type: application/json' \\",
        $"         -d '{{\"type\":\"track\",\"event\":\"Signed Up\",\"userId\":\"u1\"}}' {HttpUrl}v1/track",
    ]);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await _app.DisposeAsync();
            await _clickHouse.DisposeAsync();
            _redis.Dispose();
            _kafka.Dispose();
        }
    }
}
