using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Journeys.Api;
using Streaming.Journeys.Definitions;
using Streaming.Journeys.Engine;
using Streaming.Journeys.History;
using Streaming.Journeys.Pipeline;
using Streaming.Journeys.Storage;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Definitions;
using Streaming.ServiceDefaults.Registration;
using Streaming.ServiceDefaults.Timers;

namespace Streaming.Journeys;

public static class JourneysExtensions
{
    /// <summary>events.identified as journeys consume it; its partitions own the journeys' timers.</summary>
    public static Subscription<IdentifiedEvent> EventsSubscription(string groupId) => new(TopicCatalog.EventsIdentified, groupId) { QueueCapacity = 1_000 };

    /// <summary>Journeys: the trigger engine. Needs Redis:Configuration (instances live in Redis); checked at start.</summary>
    public static IHostApplicationBuilder AddJourneys(this IHostApplicationBuilder builder)
    {
        if (!builder.TryAddService<JourneysOptions, JourneysOptionsValidator>("journeys", JourneysOptions.Section, out var options))
            return builder;
        var services = builder.Services;
        services.TryAddSingleton<JourneyCatalog>();
        services.TryAddSingleton<JourneySettings>();
        services.TryAddSingleton<StepRunner>();
        services.TryAddSingleton<JourneyEngine>();
        services.TryAddSingleton<PersonStateStore>();
        services.TryAddSingleton<PersonUpdater>();
        services.AddJourneyHistory();
        var events = EventsSubscription(options.GroupId);
        services.AddDurableTimers<JourneyTimers>(TimerSet.For(JourneyTimers.SetName, events));

        // What the journeys service listens to (config.definitions through the DefinitionStore):
        services.AddSubscription<IdentifiedEvent, EventsPipeline>(events);
        services.AddSubscription<ProfileChange, ProfileChangesPipeline>(new(TopicCatalog.ProfilesChanges, options.GroupId));
        services.AddSubscription<MessageReceipt, ReceiptsPipeline>(new(TopicCatalog.MessagesReceipts, options.GroupId));
        services.AddSubscription<IdentityMerge, MergesPipeline>(new(TopicCatalog.IdentityMerges, options.GroupId + "-merges"));
        return builder;
    }

    public static WebApplication MapJourneys(this WebApplication app)
    {
        app.MapJourneyDefinitionsApi();
        app.MapJourneysApi();
        app.MapJourneyBacktestApi();
        return app;
    }
}
