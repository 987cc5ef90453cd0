using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Streaming.Contracts.Records;
using Streaming.Scoring.Scoring;
using Streaming.ServiceDefaults.Definitions;

namespace Streaming.Scoring.Model;

/// <summary>
/// The published churn models of every tenant, reloaded live from <c>config.definitions</c> (kind
/// <c>model</c>): the one a tenant's persons are scored with is the most recently trained valid one.
/// A document that does not parse is logged and skipped; the previous model keeps scoring.
/// </summary>
public sealed class ModelCatalog
{
    private readonly DefinitionStore _definitions;
    private readonly Bands _bands;
    private readonly ILogger<ModelCatalog> _logger;
    private readonly ConcurrentDictionary<string, ChurnScorer?> _current = new(StringComparer.Ordinal);

    public ModelCatalog(DefinitionStore definitions, IOptions<ScoringOptions> options, ILogger<ModelCatalog> logger)
    {
        _definitions = definitions;
        _bands = new Bands(options.Value.MediumFrom, options.Value.HighFrom);
        _logger = logger;
        definitions.Changed += document =>
        {
            if (document.Kind == DefinitionKind.Model)
                _current.TryRemove(document.Tenant, out _);
        };
    }

    /// <summary>The scorer of the tenant's current model, or null when it has none.</summary>
    public ChurnScorer? For(string tenant) => _current.GetOrAdd(tenant, Load);

    /// <summary>Every model document of the tenant, valid or not, newest first.</summary>
    public IReadOnlyList<DefinitionDocument> List(string tenant) =>
        [.. _definitions.List(DefinitionKind.Model, tenant).Where(d => !d.Deleted).OrderByDescending(d => d.UpdatedAt)];

    private ChurnScorer? Load(string tenant)
    {
        ChurnScorer? best = null;
        foreach (var document in List(tenant))
        {
            var (model, problem) = ChurnModelDefinition.Parse(document.Body);
            if (model is null)
            {
                _logger.LogWarning("Model {Id} of tenant {Tenant} is not used: {Problem}", document.Id, tenant, problem);
                continue;
            }
            if (best is null || model.TrainedAt > best.Model.TrainedAt)
                best = new ChurnScorer(document.Id, model, _bands);
        }
        return best;
    }
}
