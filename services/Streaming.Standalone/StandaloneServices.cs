using Microsoft.AspNetCore.Builder;
using Streaming.Analytics;
using Streaming.Dispatch;
using Streaming.Gateway;
using Streaming.Gateway.Sources;
using Streaming.Identity;
using Streaming.Journeys;
using Streaming.Profiles;
using Streaming.Scoring;

namespace Streaming.Standalone;

/// <summary>Every service of the platform, registered in one process. New services add one line to each method.</summary>
internal static class StandaloneServices
{
    public static void Add(WebApplicationBuilder builder)
    {
        builder.AddGateway();
        builder.AddIdentity();
        builder.AddProfiles();
        builder.AddAnalytics();
        builder.AddScoring();
        builder.AddJourneys();
        builder.AddDispatch();
    }

    public static void Map(WebApplication app)
    {
        app.MapGateway();
        app.MapIdentity();
        app.MapProfiles();
        app.MapAnalytics();
        app.MapScoring();
        app.MapJourneys();
        app.MapDispatch();
    }

    public static async Task AfterStartAsync(WebApplication app, Credentials credentials, CancellationToken cancellationToken)
    {
        // The demo source (tenant default, source demo) accepts the write key the host prints.
        await app.Services.GetRequiredService<SourceRegistry>().EnsureSourceAsync("default", "demo", credentials[Credentials.WriteKey], cancellationToken);
    }
}
