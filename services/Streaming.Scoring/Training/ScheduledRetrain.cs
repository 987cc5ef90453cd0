using Cronos;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Streaming.Contracts.Records;
using Streaming.Scoring.Features;
using Streaming.Scoring.Model;
using Streaming.ServiceDefaults.Definitions;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Scoring.Training;

/// <summary>What one scheduled retrain of a tenant did, and why.</summary>
public sealed record RetrainOutcome(string Tenant, string? PublishedId, string Reason);

/// <summary>
/// The scheduled retrain (<c>Scoring:RetrainCron</c>, off when empty, the default): at each occurrence
/// (UTC, the service clock) every tenant with a published model (and those in <c>Scoring:RetrainTenants</c>)
/// is trained on the latest cuts its history allows, as <c>train churn</c> without dates does. The new
/// model is published only when it is not worse than the published one: both are judged on the new
/// evaluation cut (the same persons and labels), and the new one's AUC must be at least the published
/// one's. A refusal (too little data) publishes nothing. Every outcome is logged.
/// </summary>
public sealed class ScheduledRetrain(
    ModelCatalog catalog, DefinitionStore definitions, IOptions<ScoringOptions> options, IOptions<ClickHouseOptions> clickHouse,
    TimeProvider clock, ILogger<ScheduledRetrain> logger) : BackgroundService
{
    private int _runs;

    /// <summary>Retrain rounds completed (every tenant tried), for tests and diagnostics.</summary>
    public int Runs => Volatile.Read(ref _runs);

    /// <summary>The outcome of each tenant in the last completed round.</summary>
    public IReadOnlyList<RetrainOutcome> LastOutcomes { get; private set; } = [];

    /// <summary>True from an occurrence until its round is complete.</summary>
    public bool Busy { get; private set; }

    public static bool TryParse(string text, out CronExpression? cron)
    {
        try
        {
            cron = CronExpression.Parse(text.Trim());
            return true;
        }
        catch (CronFormatException)
        {
            cron = null;
            return false;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrWhiteSpace(options.Value.RetrainCron) || !TryParse(options.Value.RetrainCron, out var cron))
            return;
        await definitions.CaughtUp.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            if (cron!.GetNextOccurrence(now.UtcDateTime) is not { } next)
                return;
            await Task.Delay(next - now.UtcDateTime, clock, stoppingToken);
            Busy = true;
            var outcomes = new List<RetrainOutcome>();
            foreach (var tenant in Tenants())
            {
                try
                {
                    outcomes.Add(await RetrainAsync(tenant, stoppingToken));
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // ClickHouse or Kafka unreachable: this occurrence is skipped, the next one tries again.
                    logger.LogError(ex, "Scheduled churn retrain of tenant {Tenant} failed", tenant);
                    outcomes.Add(new RetrainOutcome(tenant, null, "failed: " + ex.Message));
                }
            }
            LastOutcomes = outcomes;
            Interlocked.Increment(ref _runs);
            Busy = false;
        }
    }

    private IEnumerable<string> Tenants() =>
        definitions.List(DefinitionKind.Model).Where(d => !d.Deleted).Select(d => d.Tenant)
            .Concat(options.Value.RetrainTenants).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    public async Task<RetrainOutcome> RetrainAsync(string tenant, CancellationToken cancellationToken)
    {
        var features = new OfflineChurnFeatures(clickHouse.Value.ConnectionString!, options.Value.RetrainDatabase);
        var history = await features.HistoryAsync(tenant, cancellationToken);
        if (history is null)
            return Log(new RetrainOutcome(tenant, null, "no events in ClickHouse"));
        var request = TrainingRequest.Latest(tenant, history.Value.Last, TimeSpan.FromDays(options.Value.RetrainHorizonDays), null, null);
        var trainer = new ChurnTrainer(features);
        const double threshold = 0.5;
        var outcome = await trainer.TrainAsync(request, threshold, clock, cancellationToken);
        if (outcome.Model is not { } model)
            return Log(new RetrainOutcome(tenant, null, "refused: " + outcome.Refusal));
        var newAuc = model.Evaluation.Model.Auc;
        if (catalog.For(tenant) is { } published)
        {
            var publishedAuc = (await trainer.EvaluateAsync(request, published.Model.Ensemble, threshold, cancellationToken)).Auc;
            if (newAuc < publishedAuc)
            {
                return Log(new RetrainOutcome(tenant, null, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"kept {published.ModelId}: on the evaluation cut {request.EvaluateAsOf:yyyy-MM-dd} the new model's AUC {newAuc:F4} is below the published one's {publishedAuc:F4}")));
            }
        }
        var id = ChurnModelDefinition.IdFor(request.EvaluateAsOf, model.TrainedAt);
        await definitions.PutAsync(tenant, DefinitionKind.Model, id, model.ToJson(), "scheduled-retrain", cancellationToken);
        return Log(new RetrainOutcome(tenant, id, string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"published: AUC {newAuc:F4} on the evaluation cut {request.EvaluateAsOf:yyyy-MM-dd} (recency baseline {model.Evaluation.Baseline.Auc:F4})")));
    }

    private RetrainOutcome Log(RetrainOutcome outcome)
    {
        logger.LogInformation("Scheduled churn retrain of tenant {Tenant}: {Reason}", outcome.Tenant, outcome.Reason);
        return outcome;
    }
}
