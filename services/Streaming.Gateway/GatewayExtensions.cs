using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Streaming.Gateway.Api;
using Streaming.Gateway.Enrichment;
using Streaming.Gateway.Grpc;
using Streaming.Gateway.Http;
using Streaming.Gateway.Pipeline;
using Streaming.Gateway.Sources;
using Streaming.Gateway.Topics;
using Streaming.ServiceDefaults.Admin;
using Streaming.ServiceDefaults.Definitions;
using Streaming.ServiceDefaults.Registration;

namespace Streaming.Gateway;

/// <summary>
/// The gateway's one registration pair, called by its Program.cs and by the standalone host:
/// <see cref="AddGateway"/> then <see cref="MapGateway"/>. The gateway consumes no event topic; it
/// reads <c>config.definitions</c> (sources) and produces <c>events.raw</c> and <c>events.rejected</c>.
/// </summary>
public static class GatewayExtensions
{
    /// <summary>Defaults below every other configuration source: request logging off (one line per event batch is noise).</summary>
    public static MemoryConfigurationSource QuietDefaults => new()
    {
        InitialData = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        },
    };

    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        if (!builder.TryAddService<GatewayOptions, GatewayOptionsValidator>("gateway", GatewayOptions.Section, out var options))
            return builder;
        var services = builder.Services;
        services.AddOneShotJob<CreateTopicsJob>(CreateTopicsJob.Command);

        services.AddSingleton<SourceRegistry>();
        services.AddSingleton<RateLimiter>();
        services.AddSingleton<IdentifierBlocklist>();
        services.AddSingleton<ClientIp>();
        services.AddSingleton<PiiHasher>();
        services.AddSingleton<ContactCapture>();
        services.AddSingleton<GatewayMetrics>();

        // The pipeline and its steps, in order (IngestPipeline lists them).
        services.AddSingleton<ParseBodyStep>();
        services.AddSingleton<AuthenticateSourceStep>();
        services.AddSingleton<ApplyRateLimitStep>();
        services.AddSingleton<ValidateEventStep>();
        services.AddSingleton<CleanIdentifiersStep>();
        services.AddSingleton<EnrichEventStep>();
        services.AddSingleton<HashPiiStep>();
        services.AddSingleton<AssignKeyStep>();
        services.AddSingleton<DeliverEventsStep>();
        services.AddSingleton<IngestPipeline>();

        services.AddGrpc();
        builder.Logging.AddFilter(GrpcClientFaultLog.HandlerCategory, LogLevel.Warning);
        services.AddSingleton<global::Grpc.AspNetCore.Server.Model.IServiceMethodProvider<IngestGrpcService>, IngestMethods>();
        services.AddOptions<GrpcServiceOptions>().Configure<IOptions<GatewayOptions>>((grpc, gateway) =>
        {
            // A hard stop far above the request limit; the pipeline names the limit for anything in between.
            grpc.MaxReceiveMessageSize = gateway.Value.MaxRequestBytes * 4;
            grpc.EnableDetailedErrors = false;
        });

        return builder;
    }

    /// <summary>
    /// The gateway's own ports (HTTP as configured, default 8080, and Gateway:GrpcPort for HTTP/2).
    /// Only for a host the gateway owns (its Program.cs, tests): the standalone host declares its own ports.
    /// </summary>
    public static WebApplicationBuilder UseGatewayListeners(this WebApplicationBuilder builder)
    {
        var listeners = new GatewayListeners();
        builder.Services.AddSingleton(listeners);
        builder.WebHost.ConfigureKestrel((context, kestrel) => listeners.Configure(context.Configuration, kestrel));
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.MapSegmentApi();
        app.MapTrackedLinks();
        app.MapSourcesApi();
        app.MapApiKeysApi();
        app.UseMiddleware<GrpcClientFaultLog>();
        app.MapGrpcService<IngestGrpcService>();
        // Resolve now so the registry follows config.definitions from the first document on.
        app.Services.GetRequiredService<SourceRegistry>();
        return app;
    }
}
