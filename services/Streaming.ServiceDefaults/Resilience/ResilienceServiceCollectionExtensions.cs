using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Registry;

namespace Streaming.ServiceDefaults.Resilience;

public static class ResilienceServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates section <c>Resilience</c> at start and registers the named pipelines as
    /// <see cref="ResiliencePipelineProvider{TKey}"/>; idempotent.
    /// </summary>
    public static IServiceCollection AddStreamingResilience(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(ResiliencePipelineProvider<string>)))
            return services;
        services.AddOptions<ResilienceOptions>().Bind(configuration.GetSection(ResilienceOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ResilienceOptions>, ResilienceOptionsValidator>());
        services.AddSingleton<ResiliencePipelineProvider<string>>(sp => ResiliencePipelines.CreateProvider(
            sp.GetRequiredService<IOptions<ResilienceOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetService<TimeProvider>()));
        return services;
    }
}
