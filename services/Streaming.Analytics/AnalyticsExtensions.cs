using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Streaming.Analytics.Api;
using Streaming.Analytics.Pipeline;
using Streaming.Analytics.Queries;
using Streaming.Analytics.Schema;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.ServiceDefaults.Admin;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Definitions;
using Streaming.ServiceDefaults.Registration;

namespace Streaming.Analytics;

public static class AnalyticsExtensions
{
    /// <summary>Analytics: migrations at start, the ClickHouse sinks, the query API.</summary>
    public static IHostApplicationBuilder AddAnalytics(this IHostApplicationBuilder builder)
    {
        if (!builder.TryRegisterOnce("analytics"))
            return builder;
        var services = builder.Services;
        var options = builder.AddServiceOptions<AnalyticsOptions>(AnalyticsOptions.Section);
        services.TryAddSingleton<ClickHouseSession>();
        services.TryAddSingleton<Migrator>();
        services.TryAddSingleton<InsertBatchStep>();
        services.TryAddSingleton<AnalyticsQueries>();
        // Stored tag definitions, for audiences given as {"definition": "<tag id>"}.
        services.AddDefinitionStore();
        services.TryAddSingleton(sp =>
        {
            var analytics = sp.GetRequiredService<IOptions<AnalyticsOptions>>().Value;
            return new FlushPacing(sp.GetRequiredService<TimeProvider>(), TimeSpan.FromMilliseconds(analytics.FlushIntervalMs), analytics.BatchSize);
        });
        // Before the sinks: hosted services start in registration order.
        services.AddHostedService<MigrateOnStart>();
        services.AddOneShotJob<MigrateJob>(MigrateJob.Command);

        if (options.SinkEnabled)
            AddSinks(services, options);
        return builder;
    }

    /// <summary>What analytics listens to.</summary>
    private static void AddSinks(IServiceCollection services, AnalyticsOptions options)
    {
        services.AddSubscription<IdentifiedEvent, EventsPipeline>(new Subscription<IdentifiedEvent>(TopicCatalog.EventsIdentified, options.ConsumerGroup)
        {
            MaxBatchSize = options.BatchSize,
            QueueCapacity = options.BatchSize * 4,
        });
        services.AddSubscription<IdentityMerge, MergesPipeline>(new Subscription<IdentityMerge>(TopicCatalog.IdentityMerges, options.ConsumerGroup));
        services.AddSubscription<ProfileChange, ProfileChangesPipeline>(new Subscription<ProfileChange>(TopicCatalog.ProfilesChanges, options.ConsumerGroup)
        {
            MaxBatchSize = options.BatchSize,
        });
        services.AddSubscription<JourneyEvent, JourneyEventsPipeline>(new Subscription<JourneyEvent>(TopicCatalog.JourneysEvents, options.ConsumerGroup)
        {
            MaxBatchSize = options.BatchSize,
        });
        services.AddSubscription<MessageReceipt, MessageReceiptsPipeline>(new Subscription<MessageReceipt>(TopicCatalog.MessagesReceipts, options.ConsumerGroup)
        {
            MaxBatchSize = options.BatchSize,
        });
    }

    public static WebApplication MapAnalytics(this WebApplication app)
    {
        app.MapGroup("/api/analytics").RequireApiKey(ApiPermission.AnalyticsRead).MapAnalyticsApi();
        return app;
    }

    private sealed class MigrateOnStart(IOptions<AnalyticsOptions> options, Migrator migrator) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (options.Value.MigrateOnStart)
                await migrator.MigrateAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
