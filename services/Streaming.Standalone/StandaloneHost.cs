using System.Diagnostics;
using System.Globalization;
using System.Net;
using Confluent.SchemaRegistry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Streaming.Contracts.Avro;
using Streaming.Contracts.Topics;
using Streaming.Embedded.ClickHouse;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.Kafka.Journal;
using Streaming.Embedded.Redis;
using Streaming.Embedded.SchemaRegistry;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Kafka;
using Streaming.Standalone.Durability;

namespace Streaming.Standalone;

/// <summary>
/// The whole system in one process: embedded Kafka (librdkafka mock cluster in memory, made durable
/// by a write-ahead journal in the data folder that every produce goes through), Redis (Garnet, persisted to the data folder), ClickHouse (chDB behind a ClickHouse HTTP
/// endpoint, persisted to the data folder), a Confluent-compatible Schema Registry (persisted to the data folder),
/// then every service on one HTTP and one gRPC port.
/// </summary>
public sealed class StandaloneHost : IAsyncDisposable
{
    private readonly EmbeddedKafka _kafka;
    private readonly KafkaJournal _journal;
    private readonly ILoggerFactory _journalLogging;
    private readonly EmbeddedGarnet _redis;
    private readonly EmbeddedClickHouse _clickHouse;
    private readonly EmbeddedSchemaRegistry _schemaRegistry;
    private readonly WebApplication _app;
    private readonly TimeSpan _drainTimeout;

    private StandaloneHost(EmbeddedKafka kafka, KafkaJournal journal, ILoggerFactory journalLogging, EmbeddedGarnet redis, EmbeddedClickHouse clickHouse,
        EmbeddedSchemaRegistry schemaRegistry, WebApplication app, Credentials credentials, TimeSpan startup, TimeSpan drainTimeout)
    {
        _kafka = kafka;
        _journal = journal;
        _journalLogging = journalLogging;
        _drainTimeout = drainTimeout;
        _redis = redis;
        _clickHouse = clickHouse;
        _schemaRegistry = schemaRegistry;
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
    public Uri SchemaRegistryUrl => _schemaRegistry.Url;

    /// <summary><c>user:password</c> of the Schema Registry (Confluent's <c>basic.auth.user.info</c>).</summary>
    public string SchemaRegistryUserInfo => _schemaRegistry.UserInfo;
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
            Password = credentials[Credentials.ClickHousePassword],
            BiPassword = credentials[Credentials.ClickHouseBiPassword],
            Progress = progress,
        };
        var schemaRegistryOptions = new EmbeddedSchemaRegistryOptions
        {
            DataPath = Path.Combine(options.DataDirectory, "schema-registry"),
            Port = options.SchemaRegistryPort,
            Host = options.ListenAddress,
            Password = credentials[Credentials.SchemaRegistryPassword],
        };
        if (ListenPolicy.Refusal(options.ListenAddress,
            [
                new("HTTP API", true, "API keys on /api/*, write keys on /v1/*; /healthz and /readyz are open"),
                new("gRPC ingest", true, "write keys"),
                new("Redis", redisOptions.Password is not null, "password"),
                new("ClickHouse HTTP", clickHouseOptions.Password is not null, "users default and bi with passwords"),
                new("Schema Registry", true, "HTTP basic auth with a password"),
            ]) is { } refusal)
        {
            throw new InvalidOperationException(refusal);
        }

        progress("starting Kafka (mock cluster, journaled to the data folder) ...");
        var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Brokers = options.KafkaBrokers });
        var journalLogging = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
        KafkaJournal? journal = null;
        EmbeddedGarnet? redis = null;
        EmbeddedClickHouse? clickHouse = null;
        EmbeddedSchemaRegistry? schemaRegistry = null;
        try
        {
            // Before any service starts: the journal recreates every topic and replays it, offsets and commits included.
            journal = await KafkaJournal.OpenAsync(new KafkaJournalOptions
            {
                Directory = Path.Combine(options.DataDirectory, "kafka"),
                Topics = [.. TopicCatalog.All.Select(t => new EmbeddedTopic(t.Name, t.Partitions))],
                Progress = progress,
                Logger = journalLogging.CreateLogger<KafkaJournal>(),
            }, kafka, cancellationToken);
            if (journal.Replayed.Messages > 0)
                progress($"Kafka journal replayed: {journal.Replayed}");
            progress("starting Redis (Garnet) ...");
            redis = EmbeddedGarnet.Start(redisOptions);
            progress("starting ClickHouse (chDB) ...");
            clickHouse = await EmbeddedClickHouse.StartAsync(clickHouseOptions, cancellationToken);
            progress("starting Schema Registry ...");
            schemaRegistry = await EmbeddedSchemaRegistry.StartAsync(schemaRegistryOptions, cancellationToken);

            // What the topics job does in production; idempotent, so a restart changes nothing.
            using (var client = new CachedSchemaRegistryClient(SchemaRegistryClientConfig(schemaRegistry)))
                await SchemaRegistration.RegisterAllAsync(client, cancellationToken);

            progress("starting services ...");
            var app = BuildApplication(options, credentials, kafka, journal, redis, clickHouse, schemaRegistry);
            await app.StartAsync(cancellationToken);
            await StandaloneServices.AfterStartAsync(app, credentials, cancellationToken);
            return new StandaloneHost(kafka, journal, journalLogging, redis, clickHouse, schemaRegistry, app, credentials, clock.Elapsed, options.DrainTimeout);
        }
        catch
        {
            if (schemaRegistry is not null)
                await schemaRegistry.DisposeAsync();
            if (clickHouse is not null)
                await clickHouse.DisposeAsync();
            redis?.Dispose();
            if (journal is not null)
                await journal.DisposeAsync();
            kafka.Dispose();
            journalLogging.Dispose();
            throw;
        }
    }

    private static WebApplication BuildApplication(StandaloneOptions options, Credentials credentials, EmbeddedKafka kafka, KafkaJournal journal,
        EmbeddedGarnet redis, EmbeddedClickHouse clickHouse, EmbeddedSchemaRegistry schemaRegistry)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        var settings = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Redis:Configuration"] = redis.ConnectionString + ",abortConnect=false",
            ["ClickHouse:ConnectionString"] = clickHouse.ConnectionString,
            ["SchemaRegistry:Url"] = schemaRegistry.Url.ToString(),
            ["SchemaRegistry:BasicAuthUsername"] = schemaRegistry.UserName,
            ["SchemaRegistry:BasicAuthPassword"] = schemaRegistry.Password,
            // The host only verifies the bootstrap key: the services get its hash, never the key.
            ["Admin:ApiKeyHash"] = credentials.HashOf(Credentials.AdminKey),
            ["Gateway:GrpcPort"] = options.GrpcPort.ToString(CultureInfo.InvariantCulture),
            ["Gateway:PiiSalt"] = credentials[Credentials.PiiSalt],
            // Tracked message links: dispatch signs them, the gateway (same port) verifies them.
            ["Gateway:TrackingKey"] = credentials[Credentials.TrackingKey],
            ["Dispatch:TrackingKey"] = credentials[Credentials.TrackingKey],
            ["Dispatch:TrackingBaseUrl"] = $"http://{(options.ListenAddress is "0.0.0.0" or "::" ? "127.0.0.1" : options.ListenAddress)}:{options.HttpPort.ToString(CultureInfo.InvariantCulture)}",
            // The contact vault: the gateway seals captured contact points, only dispatch opens them.
            ["Dispatch:VaultKey"] = credentials[Credentials.VaultKey],
            ["Gateway:VaultKey"] = credentials[Credentials.VaultKey],
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

        // Registered before the service defaults (which only add what is missing): the journal is the process's producer.
        builder.Services.AddSingleton<IEventProducer>(sp => new JournalEventProducer(journal, sp.GetRequiredService<TopicSerdes>()));
        builder.Services.AddSingleton<ITopicIncarnations>(new JournalTopicIncarnations(journal));
        builder.Services.AddSingleton(new JournalCommitRecorder(journal));
        builder.Services.AddSingleton<IConsumerCommitObserver>(sp => sp.GetRequiredService<JournalCommitRecorder>());
        builder.AddServiceDefaults("streaming-standalone");
        builder.Services.AddHealthChecks()
            .AddCheck("kafka-journal", new JournalHealthCheck(journal), HealthStatus.Unhealthy, ["ready"])
            .AddCheck("schema-registry", new SchemaRegistryHealthCheck(schemaRegistry.Url, schemaRegistry.UserInfo), HealthStatus.Unhealthy, ["ready"]);
        StandaloneServices.Add(builder);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        StandaloneServices.Map(app);
        return app;
    }

    private static SchemaRegistryConfig SchemaRegistryClientConfig(EmbeddedSchemaRegistry registry) => new()
    {
        Url = registry.Url.ToString(),
        BasicAuthCredentialsSource = AuthCredentialsSource.UserInfo,
        BasicAuthUserInfo = registry.UserInfo,
    };

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
        $"  Schema Registry {SchemaRegistryUrl}   (Confluent-compatible, Avro, subjects <topic>-value; basic.auth.user.info {SchemaRegistryUserInfo})",
        $"  Redis           {RedisConnectionString.Split(',')[0]}   (password {RedisPassword})",
        $"  Kafka           {KafkaBootstrapServers}   (journaled to the data folder: topics, offsets and consumer positions survive a restart)",
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

    /// <summary>
    /// A clean stop: stop accepting (the HTTP and gRPC listeners close; requests in flight finish),
    /// let every consumer group finish what is on its topics (up to the drain timeout), stop the
    /// services (they commit), then close the journal and the engines.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await DrainAsync();
            await _app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await _app.DisposeAsync();
            await _schemaRegistry.DisposeAsync();
            await _clickHouse.DisposeAsync();
            await _schemaRegistry.DisposeAsync();
            _redis.Dispose();
            await _journal.DisposeAsync();
            _kafka.Dispose();
            _journalLogging.Dispose();
        }
    }

    private async Task DrainAsync()
    {
        var logger = _app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<StandaloneHost>();
        using (var listening = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            await _app.Services.GetRequiredService<IServer>().StopAsync(listening.Token);
        var recorder = _app.Services.GetRequiredService<JournalCommitRecorder>();
        var deadline = Stopwatch.StartNew();
        var behind = recorder.Behind();
        while (behind.Count > 0 && deadline.Elapsed < _drainTimeout)
        {
            await Task.Delay(100);
            behind = recorder.Behind();
        }
        if (behind.Count > 0)
        {
            logger.LogWarning("Stopping after {Seconds:F0} s with work left (processed at the next start): {Behind}", _drainTimeout.TotalSeconds,
                string.Join(", ", behind.Select(b => $"{b.Group} {b.Topic}: {b.Lag}")));
        }
        else
        {
            logger.LogInformation("Every consumer finished what was on its topics ({Seconds:F1} s)", deadline.Elapsed.TotalSeconds);
        }
    }
}
