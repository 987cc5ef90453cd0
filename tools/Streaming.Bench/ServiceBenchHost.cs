using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Streaming.Contracts.Topics;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.SchemaRegistry;
using Streaming.ServiceDefaults;
using Streaming.Tests.Helpers;

namespace Streaming.Bench;

/// <summary>
/// The engines one service is measured on: the embedded Kafka with every catalog topic, a fresh
/// Redis and the catalog's Schema Registry; <see cref="CreateBuilder"/> gives a host builder wired
/// to them (service defaults added, loopback on a free port, warnings only), to which a scenario
/// adds the service itself.
/// </summary>
internal sealed class ServiceBenchHost : IAsyncDisposable
{
    private ServiceBenchHost(EmbeddedKafka kafka, TestRedis redis, CatalogSchemaRegistry registry)
    {
        Kafka = kafka;
        Redis = redis;
        Registry = registry;
    }

    public EmbeddedKafka Kafka { get; }
    public TestRedis Redis { get; }
    public CatalogSchemaRegistry Registry { get; }

    public static async Task<ServiceBenchHost> StartAsync(CancellationToken cancellationToken)
    {
        var kafka = EmbeddedKafka.Start(1, TopicCatalog.All.Select(t => (t.Name, t.Partitions)));
        var redis = await TestRedis.StartAsync(cancellationToken);
        var registry = await CatalogSchemaRegistry.StartAsync();
        return new ServiceBenchHost(kafka, redis, registry);
    }

    /// <summary>A host builder for <paramref name="service"/> on these engines; its admin key is <c>ak_bench_&lt;service&gt;_0000001</c>.</summary>
    public WebApplicationBuilder CreateBuilder(string service, int lingerMs)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = Kafka.BootstrapServers,
            ["Kafka:LingerMs"] = lingerMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Redis:Configuration"] = Redis.ConnectionString + ",abortConnect=false",
            ["Admin:ApiKey"] = $"ak_bench_{service}_0000001",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        foreach (var (key, value) in Registry.Settings)
            builder.Configuration[key] = value;
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults(service);
        return builder;
    }

    public async ValueTask DisposeAsync()
    {
        await Registry.DisposeAsync();
        Redis.Dispose();
        Kafka.Dispose();
    }
}
