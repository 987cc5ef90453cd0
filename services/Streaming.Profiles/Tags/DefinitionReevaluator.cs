using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Streaming.Contracts.Records;
using Streaming.Profiles.Storage;

namespace Streaming.Profiles.Tags;

/// <summary>
/// When a tag definition changes, re-evaluates every profile of its tenant so existing people
/// enter or leave the tag without a new event (ids derived from the definition version and the
/// person). Every instance does this for the whole tenant: duplicate work, deduplicated by id.
/// </summary>
public sealed class DefinitionReevaluator(TagCatalog catalog, ProfileStore store, ProfileReevaluation reevaluation, ILogger<DefinitionReevaluator> logger) : BackgroundService
{
    private readonly Channel<DefinitionDocument> _changed = Channel.CreateUnbounded<DefinitionDocument>();

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        catalog.TagChanged += OnTagChanged;
        return base.StartAsync(cancellationToken);
    }

    private void OnTagChanged(DefinitionDocument document)
    {
        // Definitions read at start are already reflected in stored profiles or get applied by the next event.
        if (catalog.Loaded.IsCompleted)
            _changed.Writer.TryWrite(document);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var document in _changed.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                var count = await ReevaluateAsync(document, stoppingToken);
                logger.LogInformation("Tag {Tenant}/{Id} v{Version}: {Count} people entered or left", document.Tenant, document.Id, document.Version, count);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Re-evaluating tag {Tenant}/{Id} v{Version} failed; the next event of each person re-evaluates it", document.Tenant, document.Id, document.Version);
            }
        }
    }

    private async Task<int> ReevaluateAsync(DefinitionDocument document, CancellationToken cancellationToken)
    {
        var changed = 0;
        var cause = $"definition/{document.Key}/v{document.Version}";
        await foreach (var personId in store.PersonIdsAsync(document.Tenant).WithCancellation(cancellationToken))
        {
            if (await reevaluation.ReevaluateAsync(document.Tenant, personId, cause, cancellationToken) > 0)
                changed++;
        }
        return changed;
    }
}
