using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.ServiceDefaults.Timers;

public static class TimerRegistration
{
    /// <summary>
    /// Durable timers of <paramref name="set"/>, fired by <typeparamref name="THandler"/> on the instance
    /// that owns their partition of <see cref="TimerSet.Owner"/>. Register the owner subscription too
    /// (<see cref="ConsumerRegistration.AddSubscription{T, THandler}(IServiceCollection, Subscription{T})"/>):
    /// without a consumer the set owns no partition and nothing fires. Handlers and other code set
    /// timers through the keyed <see cref="IDurableTimers"/> (key: the set's name). Idempotent per set.
    /// </summary>
    public static IServiceCollection AddDurableTimers<THandler>(this IServiceCollection services, TimerSet set)
        where THandler : class, IDueTimerHandler
    {
        if (services.Any(d => d.IsKeyedService && Equals(d.ServiceKey, set.Name) && d.ServiceType == typeof(DurableTimers)))
            return services;
        services.AddKeyedSingleton(set.Name, (sp, _) => new DurableTimers(sp.GetRequiredService<IConnectionMultiplexer>(), set));
        services.AddKeyedSingleton<IDurableTimers>(set.Name, (sp, key) => sp.GetRequiredKeyedService<DurableTimers>(key));
        services.AddPartitionOwnership(set.Owner);
        services.AddKeyedSingleton<THandler>(set.Name);
        // Not AddHostedService: it de-duplicates by implementation type, and a service may keep several timer sets.
        services.AddSingleton<IHostedService>(sp => new TimerSweeper(
            sp.GetRequiredKeyedService<DurableTimers>(set.Name),
            sp.GetRequiredKeyedService<PartitionOwnership>(set.Owner),
            sp.GetRequiredKeyedService<THandler>(set.Name),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<TimerSweeper>>()));
        return services;
    }
}
