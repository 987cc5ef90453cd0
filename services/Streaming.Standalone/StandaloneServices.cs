using Microsoft.AspNetCore.Builder;

namespace Streaming.Standalone;

/// <summary>Every service of the platform, registered in one process. New services add one line to each method.</summary>
internal static class StandaloneServices
{
    public static void Add(WebApplicationBuilder builder)
    {
    }

    public static void Map(WebApplication app)
    {
    }

    public static Task AfterStartAsync(WebApplication app, Credentials credentials, CancellationToken cancellationToken) => Task.CompletedTask;
}
