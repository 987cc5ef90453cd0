using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Streaming.Analytics;
using Streaming.Analytics.Schema;

namespace Streaming.Journeys.History;

public static class JourneyHistoryRegistration
{
    /// <summary>
    /// History for backtests and scheduled audiences: analytics' options (the database name) and its
    /// ClickHouse session, shared with the analytics service when both run in one host.
    /// </summary>
    public static IServiceCollection AddJourneyHistory(this IServiceCollection services)
    {
        services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.Section);
        services.TryAddSingleton<ClickHouseSession>();
        services.TryAddSingleton<JourneyHistory>();
        services.TryAddSingleton<JourneyBacktest>();
        services.AddHostedService<ScheduledAudiences>();
        return services;
    }
}
