using Streaming.Scoring.Features;
using Streaming.Scoring.Model;

namespace Streaming.Scoring.Scoring;

/// <summary>A person's live churn score: 0–100, its band, up to three reasons and the model that gave it.</summary>
public sealed record ChurnScore(int Score, string Band, IReadOnlyList<string> Reasons, string ModelId, long At);

/// <summary>The band names and the scores where they start (Braze's 50/75 by default, <c>Scoring:MediumFrom</c>/<c>HighFrom</c>).</summary>
public sealed record Bands(int MediumFrom, int HighFrom)
{
    public const string Low = "low";
    public const string Medium = "medium";
    public const string High = "high";

    public string Of(int score) => score >= HighFrom ? High : score >= MediumFrom ? Medium : Low;
}

/// <summary>
/// Scores feature vectors with one published model. Reasons are per-person contributions: how much
/// the risk falls when one feature is set to the training population's median person
/// (<see cref="ChurnModelDefinition.Reference"/>); the three largest rises are named in words.
/// </summary>
public sealed class ChurnScorer(string modelId, ChurnModelDefinition model, Bands bands)
{
    public const int MaxReasons = 3;

    public string ModelId => modelId;
    public ChurnModelDefinition Model => model;
    public Bands Bands => bands;

    /// <summary>The score alone: what rescoring publishes (reasons cost one more model evaluation per feature).</summary>
    public int ScoreOf(float[] x) => (int)Math.Round(100 * model.Ensemble.Probability(x), MidpointRounding.AwayFromZero);

    public ChurnScore Score(float[] x, long at)
    {
        var probability = model.Ensemble.Probability(x);
        var score = (int)Math.Round(100 * probability, MidpointRounding.AwayFromZero);
        return new ChurnScore(score, bands.Of(score), Reasons(x, probability), modelId, at);
    }

    private List<string> Reasons(float[] x, double probability)
    {
        var contributions = new List<(int Feature, double Rise)>(ChurnFeatures.Count);
        var probe = (float[])x.Clone();
        for (var f = 0; f < ChurnFeatures.Count; f++)
        {
            if (x[f] == model.Reference[f])
                continue;
            probe[f] = model.Reference[f];
            var rise = probability - model.Ensemble.Probability(probe);
            probe[f] = x[f];
            if (rise > 0.005)
                contributions.Add((f, rise));
        }
        // Two phrasings of one fact (days since the last order and how overdue it is) are named once.
        var reasons = new List<string>(MaxReasons);
        var recencyNamed = false;
        foreach (var (feature, _) in contributions.OrderByDescending(c => c.Rise))
        {
            var recency = feature is ChurnFeatures.DaysSinceLastOrder or ChurnFeatures.GapOverdueRatio;
            if (recency && recencyNamed)
                continue;
            recencyNamed |= recency;
            reasons.Add(ReasonText.For(feature, x));
            if (reasons.Count == MaxReasons)
                break;
        }
        return reasons;
    }
}
