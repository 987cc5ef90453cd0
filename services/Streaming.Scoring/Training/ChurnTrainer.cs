using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Streaming.Scoring.Features;
using Streaming.Scoring.Model;

namespace Streaming.Scoring.Training;

/// <summary>A training run's result: a model with its report, or the reason none was made.</summary>
public sealed record TrainingOutcome(ChurnModelDefinition? Model, string? Refusal)
{
    public static TrainingOutcome Refused(string reason) => new(null, reason);
}

/// <summary>
/// Trains the churn model: labels at a cut are "ordered at or before the cut and not again within
/// the horizon"; the model learns on the training cut and is judged on the evaluation cut (never a
/// random split), beside <see cref="RecencyBaseline"/>. FastTree settings are fixed, general ones,
/// not tuned to any data set (docs/scoring.md says why).
/// </summary>
public sealed class ChurnTrainer(OfflineChurnFeatures features, Action<string>? progress = null)
{
    /// <summary>Tree settings: small trees, many examples per leaf, a slow learning rate: a model that generalises over one that fits.</summary>
    public static FastTreeBinaryTrainer.Options TreeOptions() => new()
    {
        NumberOfTrees = 100,
        NumberOfLeaves = 16,
        MinimumExampleCountPerLeaf = 20,
        LearningRate = 0.1,
        FeatureFraction = 0.9,
        Seed = 1,
        LabelColumnName = "Label",
        FeatureColumnName = "Features",
    };

    public async Task<TrainingOutcome> TrainAsync(TrainingRequest request, double threshold, TimeProvider clock, CancellationToken cancellationToken)
    {
        var history = await features.HistoryAsync(request.Tenant, cancellationToken);
        if (history is not { } span)
            return TrainingOutcome.Refused($"Tenant '{request.Tenant}' has no events in ClickHouse: nothing to train on.");
        if (request.Problem(span.Last) is { } problem)
            return TrainingOutcome.Refused(problem);

        progress?.Invoke($"features as of {request.TrainAsOf:yyyy-MM-dd} (training cut)");
        var train = await LabelledAsync(request, request.TrainAsOf, request.TrainingLabelWindow, cancellationToken);
        progress?.Invoke($"features as of {request.EvaluateAsOf:yyyy-MM-dd} (evaluation cut)");
        var evaluate = await LabelledAsync(request, request.EvaluateAsOf, request.Horizon, cancellationToken);
        foreach (var (name, set) in new[] { ("training", train), ("evaluation", evaluate) })
        {
            var churned = set.Churned.Count(c => c);
            var retained = set.Churned.Length - churned;
            if (churned < TrainingRequest.MinimumExamples || retained < TrainingRequest.MinimumExamples)
                return TrainingOutcome.Refused($"Too little data at the {name} cut: {churned} churned and {retained} retained persons; at least {TrainingRequest.MinimumExamples} of each are needed. Use a longer history, an earlier cut or a shorter --horizon.");
        }

        progress?.Invoke($"training FastTree on {train.Vectors.Length:N0} persons");
        var clockStart = Stopwatch.GetTimestamp();
        var ensemble = Fit(train.Vectors, train.Churned);
        var seconds = Stopwatch.GetElapsedTime(clockStart).TotalSeconds;

        progress?.Invoke($"evaluating on {evaluate.Vectors.Length:N0} persons");
        var baseline = RecencyBaseline.Fit(train.Vectors, train.Churned);
        var modelScores = evaluate.Vectors.Select(v => ensemble.Probability(v)).ToArray();
        var baselineScores = evaluate.Vectors.Select(baseline.Probability).ToArray();
        var churnedCount = evaluate.Churned.Count(c => c);
        var warnings = new List<string>();
        if (request.TrainingLabelWindow < request.Horizon)
            warnings.Add($"Training labels look {request.TrainingLabelWindow.TotalDays:F0} days ahead, not {request.Horizon.TotalDays:F0}: they stop at the evaluation cut so that nothing of the evaluation period is seen.");
        var historyBeforeTrain = request.TrainAsOf - span.First;
        if (historyBeforeTrain < 3 * request.Horizon)
            warnings.Add($"Only {historyBeforeTrain.TotalDays:F0} days of history before the training cut, less than 3× the horizon ({3 * request.Horizon.TotalDays:F0} days): recency and frequency features are cut short.");
        var report = new EvaluationReport(
            request.TrainAsOf, request.EvaluateAsOf, (int)request.Horizon.TotalDays,
            train.Vectors.Length, train.Churned.Count(c => c), evaluate.Vectors.Length, churnedCount, churnedCount / (double)evaluate.Vectors.Length, threshold,
            Metrics.Of(evaluate.Churned, modelScores, threshold),
            Metrics.Of(evaluate.Churned, baselineScores, threshold),
            Importance(ensemble, evaluate.Vectors, evaluate.Churned),
            seconds, warnings);
        var reference = Median(train.Vectors);
        return new TrainingOutcome(new ChurnModelDefinition(ChurnModelDefinition.ChurnModel, ChurnFeatures.Names, (int)request.Horizon.TotalDays, clock.GetUtcNow(), reference, ensemble, report), null);
    }

    /// <summary>
    /// How another model (the published one) does on the evaluation cut of <paramref name="request"/>:
    /// the same persons and labels a new model is judged on, so the two can be compared.
    /// </summary>
    public async Task<ScorerMetrics> EvaluateAsync(TrainingRequest request, TreeEnsemble ensemble, double threshold, CancellationToken cancellationToken)
    {
        var evaluate = await LabelledAsync(request, request.EvaluateAsOf, request.Horizon, cancellationToken);
        return Metrics.Of(evaluate.Churned, evaluate.Vectors.Select(v => ensemble.Probability(v)).ToArray(), threshold);
    }

    /// <summary>The persons who ordered at or before <paramref name="cut"/>, their features and whether they churned within the horizon.</summary>
    private async Task<LabelledSet> LabelledAsync(TrainingRequest request, DateTimeOffset cut, TimeSpan horizon, CancellationToken cancellationToken)
    {
        var persons = await features.AsOfAsync(request.Tenant, cut, cancellationToken);
        var ordered = await features.OrderedWithinAsync(request.Tenant, cut, horizon, cancellationToken);
        return new LabelledSet(persons.Select(p => p.Vector).ToArray(), persons.Select(p => !ordered.Contains(p.PersonId)).ToArray());
    }

    private sealed record LabelledSet(float[][] Vectors, bool[] Churned);

    private sealed class Example
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }

    /// <summary>Trains with ML.NET and exports the trees and the calibration.</summary>
    public static TreeEnsemble Fit(IReadOnlyList<float[]> vectors, IReadOnlyList<bool> churned) => FitWithMlNet(vectors, churned).Ensemble;

    /// <summary><see cref="Fit"/>, also returning ML.NET's own model (a test compares their probabilities).</summary>
    internal static (ITransformer MlNet, TreeEnsemble Ensemble) FitWithMlNet(IReadOnlyList<float[]> vectors, IReadOnlyList<bool> churned)
    {
        var ml = new MLContext(seed: 1);
        var data = DataOf(ml, vectors, churned);
        var transformer = ml.BinaryClassification.Trainers.FastTree(TreeOptions()).Fit(data);
        var model = transformer.Model;
        var trees = model.SubModel.TrainedTreeEnsemble;
        return (transformer, new TreeEnsemble(
            trees.Bias,
            trees.Trees.Select((t, i) => new DecisionTree(
                [.. t.NumericalSplitFeatureIndexes], [.. t.NumericalSplitThresholds], [.. t.LeftChild], [.. t.RightChild], [.. t.LeafValues], trees.TreeWeights[i])).ToArray(),
            model.Calibrator.Slope,
            model.Calibrator.Offset));
    }

    /// <summary>Loads vectors as ML.NET's input (a fixed-size feature vector column and a label).</summary>
    internal static IDataView DataOf(MLContext ml, IReadOnlyList<float[]> vectors, IReadOnlyList<bool> churned)
    {
        var schema = SchemaDefinition.Create(typeof(Example));
        schema[nameof(Example.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, ChurnFeatures.Count);
        return ml.Data.LoadFromEnumerable(vectors.Select((v, i) => new Example { Features = v, Label = churned[i] }), schema);
    }

    /// <summary>Permutation importance: the evaluation AUC lost when a feature is shuffled (fixed seed, so reports repeat).</summary>
    private static FeatureImportance[] Importance(TreeEnsemble ensemble, float[][] vectors, bool[] churned)
    {
        var auc = Metrics.Auc(churned, vectors.Select(v => ensemble.Probability(v)).ToArray());
        var importance = new List<FeatureImportance>();
        for (var f = 0; f < ChurnFeatures.Count; f++)
        {
            var random = new Random(17 + f);
            var column = vectors.Select(v => v[f]).ToArray();
            random.Shuffle(column);
            var scores = new double[vectors.Length];
            var copy = new float[ChurnFeatures.Count];
            for (var i = 0; i < vectors.Length; i++)
            {
                vectors[i].CopyTo(copy, 0);
                copy[f] = column[i];
                scores[i] = ensemble.Probability(copy);
            }
            importance.Add(new FeatureImportance(ChurnFeatures.Names[f], auc - Metrics.Auc(churned, scores)));
        }
        return [.. importance.OrderByDescending(i => i.AucDrop)];
    }

    private static float[] Median(float[][] vectors) =>
        Enumerable.Range(0, ChurnFeatures.Count).Select(f =>
        {
            var column = vectors.Select(v => v[f]).OrderBy(x => x).ToArray();
            return column.Length == 0 ? 0 : column[column.Length / 2];
        }).ToArray();
}
