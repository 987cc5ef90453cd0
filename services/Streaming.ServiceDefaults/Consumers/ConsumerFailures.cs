using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Streaming.ServiceDefaults.Consumers;

/// <summary>
/// Partitions whose worker stopped on an unexpected error (not a message's failure: those are
/// retried and dead-lettered). One is enough to make <c>/readyz</c> unhealthy, and the consumer
/// runtime then stops, which stops the host: a partition never stalls unseen.
/// </summary>
public sealed class ConsumerFailures
{
    private readonly ConcurrentDictionary<string, string> _failed = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Failed => _failed;

    public void Report(string subscription, string partition, Exception error) =>
        _failed[$"{subscription} {partition}"] = $"{error.GetType().Name}: {error.Message}";
}

/// <summary>Ready while no consumer partition stopped on an unexpected error.</summary>
internal sealed class ConsumersHealthCheck(ConsumerFailures failures) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(failures.Failed.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("consumer stopped: " + string.Join("; ", failures.Failed.Select(f => $"{f.Key}: {f.Value}"))));
}
