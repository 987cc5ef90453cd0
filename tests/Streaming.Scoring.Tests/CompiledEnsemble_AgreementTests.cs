using Streaming.Scoring.Features;
using Streaming.Scoring.Model;
using Streaming.Scoring.Training;

namespace Streaming.Scoring.Tests;

/// <summary>
/// The compiled ensemble the service scores with gives the exported ensemble's probabilities, and its
/// one-pass "each feature set to the reference" scores equal scoring every such probe in full.
/// </summary>
public sealed class CompiledEnsemble_AgreementTests
{
    [Fact]
    public void Compiled_ensemble_gives_the_probabilities_and_the_per_feature_probes_of_the_exported_one()
    {
        var random = new Random(11);
        var vectors = new List<float[]>();
        var churned = new List<bool>();
        for (var i = 0; i < 2_000; i++)
        {
            var v = Enumerable.Range(0, ChurnFeatures.Count).Select(_ => (float)Math.Round(random.NextDouble() * 100)).ToArray();
            vectors.Add(v);
            churned.Add(v[0] + v[3] * 0.5 + 30 * random.NextDouble() > 70 + (v[2] > 50 ? 15 : 0));
        }
        var ensemble = ChurnTrainer.Fit(vectors, churned);
        var compiled = new CompiledEnsemble(ensemble);
        var reference = vectors[0];
        var probe = new float[ChurnFeatures.Count];
        var withReference = new double[ChurnFeatures.Count];
        var moved = 0;

        foreach (var x in vectors.Take(300))
        {
            Assert.Equal(ensemble.Probability(x), compiled.Probability(x), 12);
            var raw = compiled.RawWithEachReference(x, reference, withReference);
            Assert.Equal(ensemble.Raw(x), raw, 9);
            for (var f = 0; f < ChurnFeatures.Count; f++)
            {
                x.CopyTo(probe, 0);
                probe[f] = reference[f];
                Assert.Equal(ensemble.Raw(probe), withReference[f], 9);
                moved += withReference[f] != raw ? 1 : 0;
            }
        }
        // The probes do move the score (the model uses several features): the comparison is not vacuous.
        Assert.True(moved > 300, $"only {moved} probes moved the score");
    }
}
