using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Profiles.Storage;
using Streaming.Scoring.Api;
using Streaming.Scoring.Model;
using Streaming.Scoring.Pipeline;
using Streaming.Scoring.Scoring;
using Streaming.Scoring.Storage;
using Streaming.Scoring.Timers;
using Streaming.Scoring.Training;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Definitions;
using Streaming.ServiceDefaults.Registration;
using Streaming.ServiceDefaults.Timers;

namespace Streaming.Scoring;

public static class ScoringExtensions
{
    public const string GroupId = "scoring";

    /// <summary>profiles.changes as this service consumes it (the daily timers live in its partitions).</summary>
    public static Subscription<ProfileChange> ChangesSubscription => new(TopicCatalog.ProfilesChanges, GroupId);

    /// <summary>Live churn scores (docs/scoring.md). Needs Redis:Configuration (profiles, scores, timers); checked at start.</summary>
    public static IHostApplicationBuilder AddScoring(this IHostApplicationBuilder builder)
    {
        if (!builder.TryAddService<ScoringOptions, ScoringOptionsValidator>("scoring", ScoringOptions.Section, out var options))
            return builder;
        var services = builder.Services;
        services.TryAddSingleton(_ => new ProfileCache(ProfileCache.DefaultCapacityBytes));
        services.TryAddSingleton<ProfileStore>();
        services.TryAddSingleton<ScoreStore>();
        services.TryAddSingleton<ModelCatalog>();
        services.TryAddSingleton<Rescoring>();
        services.TryAddSingleton<RescoreTimers>();
        services.AddDurableTimers<RescoreTimerHandler>(RescoreTimers.Set);
        // Off unless Scoring:RetrainCron is set (then it needs ClickHouse; checked at start).
        services.TryAddSingleton<ScheduledRetrain>();
        services.AddHostedService(sp => sp.GetRequiredService<ScheduledRetrain>());

        // What the scoring service listens to (models come through the definition store):
        services.AddSubscription<ProfileChange, RescoreOnChangeHandler>(new(TopicCatalog.ProfilesChanges, options.GroupId));
        return builder;
    }

    public static WebApplication MapScoring(this WebApplication app)
    {
        app.MapScoringApi();
        return app;
    }
}
