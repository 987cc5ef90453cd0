using System.Text.Json;
using Confluent.SchemaRegistry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using StackExchange.Redis;
using Streaming.Contracts.Avro;
using Streaming.ServiceDefaults.Admin;
using Streaming.ServiceDefaults.Health;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Options;
using Streaming.ServiceDefaults.Registration;
using Streaming.ServiceDefaults.Resilience;
using Streaming.ServiceDefaults.Schemas;
using Streaming.ServiceDefaults.Telemetry;

namespace Streaming.ServiceDefaults;

/// <summary>What every Streaming service has: options, telemetry, health, the producer, the clock.</summary>
public static class ServiceDefaultsExtensions
{
    private const string ReadyTag = "ready";

    /// <summary>Idempotent: the standalone host calls it once for all services, each service's Program.cs once for itself.</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        if (!builder.TryRegisterOnce("service-defaults"))
            return builder;
        var services = builder.Services;

        services.AddOptions<KafkaOptions>().Bind(builder.Configuration.GetSection(KafkaOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KafkaOptions>, KafkaOptionsValidator>();
        services.AddOptions<SchemaRegistryOptions>().Bind(builder.Configuration.GetSection(SchemaRegistryOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SchemaRegistryOptions>, SchemaRegistryOptionsValidator>();
        services.TryAddSingleton<ISchemaRegistryClient>(sp => new CachedSchemaRegistryClient(sp.GetRequiredService<IOptions<SchemaRegistryOptions>>().Value.ClientConfig()));
        services.TryAddSingleton(sp => new TopicSerdes(sp.GetRequiredService<ISchemaRegistryClient>()));
        // First among the hosted services: nothing reads or writes a topic before the schemas are known to match.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, SchemaRegistryStartupCheck>());
        services.AddOptions<RedisOptions>().Bind(builder.Configuration.GetSection(RedisOptions.Section));
        services.AddOptions<ClickHouseOptions>().Bind(builder.Configuration.GetSection(ClickHouseOptions.Section));
        services.AddOptions<AdminOptions>().Bind(builder.Configuration.GetSection(AdminOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>();
        services.TryAddSingleton<ApiKeyRegistry>();
        OptionsFirst.AddTo(services);
        services.AddStreamingResilience(builder.Configuration);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IEventProducer, KafkaEventProducer>();
        // The standalone host registers its own (kept with its durable log) before this.
        services.TryAddSingleton<ITopicIncarnations, KafkaTopicIncarnations>();
        services.ConfigureHttpJsonOptions(o => StreamingJson.Configure(o.SerializerOptions));

        var redis = builder.Configuration[$"{RedisOptions.Section}:Configuration"];
        if (!string.IsNullOrWhiteSpace(redis))
        {
            services.TryAddSingleton<IConnectionMultiplexer>(_ =>
            {
                var options = ConfigurationOptions.Parse(redis);
                options.AbortOnConnectFail = false;
                return ConnectionMultiplexer.Connect(options);
            });
        }

        AddTelemetry(builder, serviceName);
        AddHealthChecks(builder, hasRedis: !string.IsNullOrWhiteSpace(redis),
            hasClickHouse: !string.IsNullOrWhiteSpace(builder.Configuration[$"{ClickHouseOptions.Section}:ConnectionString"]));
        return builder;
    }

    /// <summary>
    /// <c>/healthz</c>: the process is alive. <c>/readyz</c>: Kafka, Redis and ClickHouse (as configured) answer.
    /// Every API answers 503 with Retry-After, not 500, while a dependency is down (<see cref="Http.DependencyOutageResponses"/>).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseMiddleware<Http.DependencyOutageResponses>();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealth });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteHealth });
        return app;
    }

    private static void AddTelemetry(IHostApplicationBuilder builder, string serviceName)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? serviceName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(StreamingTelemetry.Name))
            .WithTracing(tracing => tracing
                .AddSource(StreamingTelemetry.Name)
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/healthz") && !ctx.Request.Path.StartsWithSegments("/readyz"))
                .AddHttpClientInstrumentation());
        if (otlp)
            telemetry.UseOtlpExporter();
    }

    private static void AddHealthChecks(IHostApplicationBuilder builder, bool hasRedis, bool hasClickHouse)
    {
        var checks = builder.Services.AddHealthChecks();
        builder.Services.TryAddSingleton<KafkaHealthCheck>();
        builder.Services.TryAddSingleton<Consumers.ConsumerFailures>();
        checks.AddCheck<Consumers.ConsumersHealthCheck>("consumers", HealthStatus.Unhealthy, [ReadyTag]);
        checks.AddCheck<KafkaHealthCheck>("kafka", HealthStatus.Unhealthy, [ReadyTag], TimeSpan.FromSeconds(5));
        if (hasRedis)
            checks.AddCheck<RedisHealthCheck>("redis", HealthStatus.Unhealthy, [ReadyTag], TimeSpan.FromSeconds(5));
        if (hasClickHouse)
            checks.AddCheck<ClickHouseHealthCheck>("clickhouse", HealthStatus.Unhealthy, [ReadyTag], TimeSpan.FromSeconds(5));
    }

    private static Task WriteHealth(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }, StreamingJson.Options));
    }
}
