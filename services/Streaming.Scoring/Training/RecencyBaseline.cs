using Streaming.Scoring.Features;

namespace Streaming.Scoring.Training;

/// <summary>
/// The baseline every model is compared with: churn risk from the days since the last order alone,
/// the rule marketing uses without a model ("no purchase for 30 days → high risk"). The training
/// persons are cut into ten recency bins at their deciles; a bin's risk is its churn rate there
/// (with one imaginary churned and one retained person, so an empty bin is not 0 or 1).
/// </summary>
public sealed class RecencyBaseline
{
    private readonly float[] _upperBounds;
    private readonly double[] _rates;

    private RecencyBaseline(float[] upperBounds, double[] rates) => (_upperBounds, _rates) = (upperBounds, rates);

    public static RecencyBaseline Fit(IReadOnlyList<float[]> vectors, IReadOnlyList<bool> churned)
    {
        var recency = vectors.Select(v => v[ChurnFeatures.DaysSinceLastOrder]).OrderBy(d => d).ToArray();
        var bounds = Enumerable.Range(1, 9).Select(d => recency.Length == 0 ? 0 : recency[Math.Min(recency.Length - 1, d * recency.Length / 10)]).Distinct().ToArray();
        var churnedIn = new int[bounds.Length + 1];
        var all = new int[bounds.Length + 1];
        for (var i = 0; i < vectors.Count; i++)
        {
            var bin = Bin(bounds, vectors[i][ChurnFeatures.DaysSinceLastOrder]);
            all[bin]++;
            if (churned[i])
                churnedIn[bin]++;
        }
        return new RecencyBaseline(bounds, all.Select((n, b) => (churnedIn[b] + 1.0) / (n + 2.0)).ToArray());
    }

    public double Probability(float[] vector) => _rates[Bin(_upperBounds, vector[ChurnFeatures.DaysSinceLastOrder])];

    private static int Bin(float[] bounds, float value)
    {
        var bin = 0;
        while (bin < bounds.Length && value > bounds[bin])
            bin++;
        return bin;
    }
}
