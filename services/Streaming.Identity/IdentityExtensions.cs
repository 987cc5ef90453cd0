using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Registry;
using StackExchange.Redis;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Identity.Api;
using Streaming.Identity.Graph;
using Streaming.Identity.Pipeline;
using Streaming.Identity.Rules;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Definitions;
using Streaming.ServiceDefaults.Registration;

namespace Streaming.Identity;

public static class IdentityExtensions
{
    /// <summary>
    /// The identity service: consumes <c>events.raw</c>, keeps the identity graph in Redis, produces
    /// <c>events.identified</c> and <c>identity.merges</c>. Safe next to other services in one host.
    /// </summary>
    public static IHostApplicationBuilder AddIdentity(this IHostApplicationBuilder builder)
    {
        if (!builder.TryAddService<IdentityOptions, IdentityOptionsValidator>("identity", IdentityOptions.Section, out var options))
            return builder;
        var services = builder.Services;
        services.AddSingleton(sp => new TenantRules(
            IdentityRules.BuiltIn.With(sp.GetRequiredService<IOptions<IdentityOptions>>().Value.Rules, out _) ?? IdentityRules.BuiltIn,
            sp.GetRequiredService<DefinitionStore>(),
            sp.GetRequiredService<ILogger<TenantRules>>()));
        services.AddSingleton(sp => new IdentityGraph(
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<IOptions<IdentityOptions>>().Value.DedupBuckets,
            sp.GetService<ResiliencePipelineProvider<string>>()));
        services.AddSingleton<StitchPersonsStep>();

        // What the identity service listens to:
        services.AddSubscription<TrackingEvent, IdentityPipeline>(new Subscription<TrackingEvent>(TopicCatalog.EventsRaw, options.GroupId));
        return builder;
    }

    /// <summary>The identity API on the admin port (<c>/api/identity/*</c>).</summary>
    public static WebApplication MapIdentity(this WebApplication app)
    {
        app.MapIdentityApi();
        return app;
    }
}
