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
    public string WriteKey => Credentials.WriteKey;
    public string AdminKey => Credentials.AdminKey;
    public TimeSpan StartupTime { get; }
    public IServiceProvider Services => _app.Services;
    internal Credentials Credentials { get; }

    public static async Task<StandaloneHost> StartAsync(StandaloneOptions options, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        progress ??= _ => { };
        Directory.CreateDirectory(options.DataDirectory);
        var credentials = Credentials.Resolve(options);

        progress("starting Kafka (in-memory mock cluster) ...");
        var kafka = EmbeddedKafka.Start(options.KafkaBrokers, TopicCatalog.All.Select(t => (t.Name, t.Partitions)));
        EmbeddedGarnet? redis = null;
        EmbeddedClickHouse? clickHouse = null;
        try
        {
            progress("starting Redis (Garnet) ...");
            redis = EmbeddedGarnet.Start(new EmbeddedGarnetOptions { Port = options.RedisPort, DataDirectory = Path.Combine(options.DataDirectory, "redis") });
            progress("starting ClickHouse (chDB) ...");
            clickHouse = await EmbeddedClickHouse.StartAsync(new EmbeddedClickHouseOptions
            {
                DataPath = Path.Combine(options.DataDirectory, "clickhouse"),
                Port = options.ClickHousePort,
                Password = credentials.ClickHousePassword,
                BiPassword = credentials.ClickHouseBiPassword,
                Progress = progress,
            }, cancellationToken);

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
            ["Admin:ApiKey"] = credentials.AdminKey,
            ["Gateway:GrpcPort"] = options.GrpcPort.ToString(CultureInfo.InvariantCulture),
            ["Gateway:PiiSalt"] = credentials.PiiSalt,
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
        $"    user default  {_clickHouse.Password}   (the services' user)",
        $"    user bi       {_clickHouse.BiPassword}   (read-only, database bi: curl -u bi:<password> '{ClickHouseUrl}?query=SHOW+TABLES')",
        $"  Redis           {RedisConnectionString}",
        $"  Kafka           {KafkaBootstrapServers}   (in memory: topics are empty after a restart)",
        "",
        "  Demo source     tenant 'default', source 'demo'",
        $"  Write key       {WriteKey}",
        $"  Admin key       {AdminKey}   (Authorization: Bearer <key>)",
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
