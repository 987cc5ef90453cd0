using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Streaming.ServiceDefaults.Registration;

/// <summary>
/// The first hosted service of every host. The host builds all hosted services before it validates
/// the options, so a wrong setting (no Redis configured) used to surface as the missing dependency it
/// causes ("no constructor for ProfileStore"). Building this one validates every option marked
/// ValidateOnStart first, so the start fails with the setting's own message.
/// </summary>
internal sealed class OptionsFirst : IHostedService
{
    public static void AddTo(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(OptionsFirst)))
            return;
        services.AddSingleton<OptionsFirst>();
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp =>
        {
            sp.GetService<IStartupValidator>()?.Validate();
            return sp.GetRequiredService<OptionsFirst>();
        }));
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
