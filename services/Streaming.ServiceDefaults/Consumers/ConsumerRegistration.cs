using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Options;

namespace Streaming.ServiceDefaults.Consumers;

public static class ConsumerRegistration
{
    /// <summary>
    /// Registers a consumer-group member that feeds <paramref name="subscription"/> to
    /// <typeparamref name="THandler"/>. A service lists its subscriptions in one method, so
    /// "what does this service listen to?" has one answer.
    /// </summary>
    public static IServiceCollection AddSubscription<T, THandler>(this IServiceCollection services, Subscription<T> subscription)
        where THandler : class, IConsumerHandler<T>
    {
        services.AddSingleton<THandler>();
        services.AddPartitionOwnership(subscription.Name);
        // Not AddHostedService: it de-duplicates by implementation type, and a service may subscribe to several topics of one payload type.
        services.AddSingleton<IHostedService>(sp => new ConsumerRuntime<T>(
            subscription,
            sp.GetRequiredService<THandler>(),
            sp.GetRequiredService<Streaming.Contracts.Avro.TopicSerdes>(),
            sp.GetRequiredService<IEventProducer>(),
            sp.GetRequiredService<IOptions<KafkaOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<ITopicIncarnations>(),
            sp.GetService<ConsumerFailures>(),
            sp.GetService<IConsumerCommitObserver>(),
            sp.GetRequiredKeyedService<PartitionOwnership>(subscription.Name)));
        return services;
    }

    /// <summary>The <see cref="PartitionOwnership"/> of a subscription, keyed by its <see cref="Subscription{T}.Name"/>; one per name.</summary>
    public static IServiceCollection AddPartitionOwnership(this IServiceCollection services, string subscriptionName)
    {
        services.TryAddKeyedSingleton(subscriptionName, new PartitionOwnership());
        return services;
    }
}
