using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Streaming.Contracts.Avro;
using Streaming.Contracts.Topics;

namespace Streaming.ServiceDefaults.Schemas;

/// <summary>
/// Runs before the consumers start (registered first): finds the registry id of every payload schema
/// this release writes. A subject that is missing, or whose registered schema is incompatible with this
/// release's, stops the service at start with the subject and the fields in the message, instead of
/// failing message by message later.
/// </summary>
internal sealed class SchemaRegistryStartupCheck(TopicSerdes serdes, ILogger<SchemaRegistryStartupCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var problems = await serdes.CheckAsync(TopicCatalog.Payloads, cancellationToken);
        if (problems.Count > 0)
            throw new InvalidOperationException("Schema Registry check failed: " + string.Join(" | ", problems));
        logger.LogInformation("Schema Registry: the {Count} payload subjects hold this release's schemas", TopicCatalog.Payloads.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
