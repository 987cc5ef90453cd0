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
/// The ensemble is compiled once (<see cref="CompiledEnsemble"/>): scoring allocates only the reasons.
/// </summary>
public sealed class ChurnScorer(string modelId, ChurnModelDefinition model, Bands bands)
{
    public const int MaxReasons = 3;

    /// <summary>A rise in probability below this is not a reason.</summary>
    private const double MinimumRise = 0.005;

    private readonly CompiledEnsemble _ensemble = new(model.Ensemble);

    public string ModelId => modelId;
    public ChurnModelDefinition Model => model;
    public Bands Bands => bands;

    /// <summary>The score alone: what rescoring publishes.</summary>
    public int ScoreOf(ReadOnlySpan<float> x) => ToScore(_ensemble.Probability(x));

    public ChurnScore Score(ReadOnlySpan<float> x, long at)
    {
        Span<double> rawWithReference = stackalloc double[ChurnFeatures.Count];
        var probability = _ensemble.ProbabilityOf(_ensemble.RawWithEachReference(x, model.Reference, rawWithReference));
        var score = ToScore(probability);
        return new ChurnScore(score, bands.Of(score), Reasons(x, probability, rawWithReference), modelId, at);
    }

    private static int ToScore(double probability) => (int)Math.Round(100 * probability, MidpointRounding.AwayFromZero);

    private List<string> Reasons(ReadOnlySpan<float> x, double probability, ReadOnlySpan<double> rawWithReference)
    {
        Span<double> rise = stackalloc double[ChurnFeatures.Count];
        for (var f = 0; f < rise.Length; f++)
            rise[f] = x[f] == model.Reference[f] ? 0 : probability - _ensemble.ProbabilityOf(rawWithReference[f]);
        // Largest rise first (the lower feature on a tie); two phrasings of one fact (days since the
        // last order and how overdue it is) are named once.
        var reasons = new List<string>(MaxReasons);
        var recencyNamed = false;
        while (reasons.Count < MaxReasons)
        {
            var best = -1;
            for (var f = 0; f < rise.Length; f++)
            {
                if (rise[f] > MinimumRise && (best < 0 || rise[f] > rise[best]))
                    best = f;
            }
            if (best < 0)
                break;
            rise[best] = 0;
            var recency = best is ChurnFeatures.DaysSinceLastOrder or ChurnFeatures.GapOverdueRatio;
            if (recency && recencyNamed)
                continue;
            recencyNamed |= recency;
            reasons.Add(ReasonText.For(best, x));
        }
        return reasons;
    }
}
