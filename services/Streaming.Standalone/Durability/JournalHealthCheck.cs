using Microsoft.Extensions.Diagnostics.HealthChecks;
using Streaming.Embedded.Kafka.Journal;

namespace Streaming.Standalone.Durability;

/// <summary>/readyz fails once the Kafka journal stopped (a disk error, or offsets that disagree with the embedded Kafka).</summary>
internal sealed class JournalHealthCheck(KafkaJournal journal) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(journal.FaultReason is { } fault ? HealthCheckResult.Unhealthy(fault) : HealthCheckResult.Healthy());
}
