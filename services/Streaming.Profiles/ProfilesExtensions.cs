using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Streaming.Contracts.Topics;
using Streaming.Profiles.Api;
using Streaming.Profiles.Pipeline;
using Streaming.Profiles.Storage;
using Streaming.Profiles.Tags;
using Streaming.Profiles.Timers;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Definitions;
using Streaming.ServiceDefaults.Registration;
using Streaming.ServiceDefaults.Timers;

namespace Streaming.Profiles;

public static class ProfilesExtensions
{
    public const string GroupId = "profiles";
    /// <summary>Merges have their own group so that joining one subscription never rebalances the other.</summary>
    public const string MergesGroupId = "profiles-merges";
    /// <summary>Scores (score_changed on profiles.changes) written into profiles as traits, in their own group too.</summary>
    public const string ScoresGroupId = "profiles-scores";

    /// <summary>
    /// events.identified as this service consumes it. A short queue per partition: messages waiting
    /// there outlive several garbage collections (with 12 partitions × 5,000 they were most of the
    /// heap the collector had to copy); two batches ahead keep the workers busy.
    /// </summary>
    public static Subscription<Contracts.Records.IdentifiedEvent> EventsSubscription => new(TopicCatalog.EventsIdentified, GroupId) { QueueCapacity = 1_000 };

    /// <summary>Live profiles and real-time tagging. Needs Redis:Configuration (profiles live in Redis); checked at start.</summary>
    public static IHostApplicationBuilder AddProfiles(this IHostApplicationBuilder builder)
    {
        if (!builder.TryAddService<ProfilesOptions, ProfilesOptionsValidator>("profiles", ProfilesOptions.Section, out var options))
            return builder;
        var services = builder.Services;
        services.TryAddSingleton(sp => new ProfileCache((long)sp.GetRequiredService<IOptions<ProfilesOptions>>().Value.CacheMegabytes << 20));
        services.TryAddSingleton<ProfileStore>();
        services.TryAddSingleton<TagCatalog>();
        services.TryAddSingleton<TagTimers>();
        services.TryAddSingleton<ProfileReevaluation>();
        services.AddSingleton<DefinitionReevaluator>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<DefinitionReevaluator>());
        services.AddDurableTimers<TagTimerHandler>(TagTimers.Set);

        // What the profiles service listens to:
        services.AddSubscription<Contracts.Records.IdentifiedEvent, ProfilePipeline>(EventsSubscription);
        services.AddSubscription<Contracts.Records.IdentityMerge, MergesPipeline>(new(TopicCatalog.IdentityMerges, MergesGroupId));
        services.AddSubscription<Contracts.Records.ProfileChange, ScoreTraitsHandler>(new(TopicCatalog.ProfilesChanges, ScoresGroupId));
        return builder;
    }

    public static WebApplication MapProfiles(this WebApplication app)
    {
        app.MapProfilesApi();
        app.MapTagDefinitionsApi();
        return app;
    }
}
