using Microsoft.ML;
using Microsoft.ML.Data;
using Streaming.Scoring.Features;
using Streaming.Scoring.Training;

namespace Streaming.Scoring.Tests;

/// <summary>The exported trees and calibration give ML.NET's own probabilities, so a published model scores as it was evaluated.</summary>
public sealed class TreeEnsemble_MlNetAgreementTests
{
    [Fact]
    public void Exported_ensemble_gives_the_probabilities_of_the_ml_net_model_when_both_score_the_same_persons()
    {
        var random = new Random(5);
        var vectors = new List<float[]>();
        var churned = new List<bool>();
        for (var i = 0; i < 2_000; i++)
        {
            var v = Enumerable.Range(0, ChurnFeatures.Count).Select(_ => (float)Math.Round(random.NextDouble() * 100, 1)).ToArray();
            vectors.Add(v);
            churned.Add(v[0] + 20 * random.NextDouble() > 60 + (v[2] > 50 ? 10 : 0));
        }

        var (mlNet, ensemble) = ChurnTrainer.FitWithMlNet(vectors, churned);

        var ml = new MLContext(seed: 1);
        var scored = mlNet.Transform(ChurnTrainer.DataOf(ml, vectors, churned));
        var probabilities = scored.GetColumn<float>("Probability").ToArray();
        Assert.Equal(vectors.Count, probabilities.Length);
        for (var i = 0; i < vectors.Count; i++)
            Assert.Equal(probabilities[i], ensemble.Probability(vectors[i]), 4);
        // The model learned the planted rule: the riskiest have high probabilities, the safest low.
        Assert.True(ensemble.Probability([90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) > 0.8);
        Assert.True(ensemble.Probability([10, 0, 90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) < 0.2);
    }
}
