using Microsoft.AspNetCore.Builder;
using Streaming.Identity;

namespace Streaming.Standalone;

/// <summary>Every service of the platform, registered in one process. New services add one line to each method.</summary>
internal static class StandaloneServices
{
    public static void Add(WebApplicationBuilder builder)
    {
        builder.AddIdentity();
    }

    public static void Map(WebApplication app)
    {
        app.MapIdentity();
    }

    public static Task AfterStartAsync(WebApplication app, Credentials credentials, CancellationToken cancellationToken) => Task.CompletedTask;
}
