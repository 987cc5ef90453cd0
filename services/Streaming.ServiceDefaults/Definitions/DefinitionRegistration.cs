using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Streaming.ServiceDefaults.Definitions;

public static class DefinitionRegistration
{
    /// <summary>Adds the process-wide <see cref="DefinitionStore"/> (idempotent).</summary>
    public static IServiceCollection AddDefinitionStore(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(DefinitionStore)))
            return services;
        services.TryAddSingleton<DefinitionStore>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<DefinitionStore>());
        return services;
    }
}
