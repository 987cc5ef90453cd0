using Streaming.Scoring.Features;
using Streaming.Scoring.Model;
using Streaming.Scoring.Training;

namespace Streaming.Scoring.Tests;

/// <summary>Small real models (FastTree on generated persons) for service tests: one where a long wait means churn, one that learned the opposite.</summary>
public static class TestModels
{
    public static ChurnModelDefinition Trained(bool longWaitMeansChurn)
    {
        var random = new Random(3);
        var vectors = new List<float[]>();
        var churned = new List<bool>();
        for (var i = 0; i < 1_000; i++)
        {
            var v = new float[ChurnFeatures.Count];
            v[ChurnFeatures.DaysSinceLastOrder] = (float)(random.NextDouble() * 200);
            v[ChurnFeatures.OrdersTotal] = random.Next(1, 20);
            vectors.Add(v);
            churned.Add((v[ChurnFeatures.DaysSinceLastOrder] > 60) == longWaitMeansChurn);
        }
        return Of(ChurnTrainer.Fit(vectors, churned), vectors, churned);
    }

    /// <summary>A model document around an ensemble, with its report on the given persons.</summary>
    public static ChurnModelDefinition Of(TreeEnsemble ensemble, IReadOnlyList<float[]> vectors, IReadOnlyList<bool> churned)
    {
        var scores = vectors.Select(v => ensemble.Probability(v)).ToArray();
        var metrics = Metrics.Of(churned, scores, 0.5);
        var report = new EvaluationReport(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 60, vectors.Count, churned.Count(c => c), vectors.Count, churned.Count(c => c), 0.5, 0.5,
            metrics, metrics, [], 0, []);
        return new ChurnModelDefinition(ChurnModelDefinition.ChurnModel, ChurnFeatures.Names, 60, DateTimeOffset.UtcNow, new float[ChurnFeatures.Count], ensemble, report);
    }
}
