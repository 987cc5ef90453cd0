using System.Net.Sockets;
using Confluent.Kafka;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace Streaming.ServiceDefaults.Consumers;

/// <summary>Thrown by a handler when something it needs is down: the runtime waits and retries without limit.</summary>
public sealed class DependencyUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Which failures mean "a dependency is down" (wait and retry, never dead-letter).</summary>
public static class TransientFailures
{
    public static bool IsTransient(Exception exception) => exception switch
    {
        DependencyUnavailableException => true,
        // A resilience pipeline gave up on the dependency for now (see Resilience/ResiliencePipelines).
        BrokenCircuitException or TimeoutRejectedException => true,
        RedisConnectionException or RedisTimeoutException => true,
        TimeoutException or SocketException or HttpRequestException => true,
        ProduceException<byte[], byte[]> produce => produce.Error.Code is not (ErrorCode.MsgSizeTooLarge or ErrorCode.InvalidMsg),
        KafkaException kafka => !kafka.Error.IsFatal,
        AggregateException aggregate => aggregate.InnerExceptions.All(IsTransient),
        _ => exception.InnerException is not null && IsTransient(exception.InnerException),
    };
}
