namespace Streaming.Scoring.Training;

/// <summary>One row of a calibration table: persons whose predicted risk fell in [From, To), the mean prediction and the share who churned.</summary>
public sealed record CalibrationBin(double From, double To, int Persons, double MeanPredicted, double ObservedRate);

/// <summary>The figures of one scorer (the model or the baseline) on the evaluation cut.</summary>
public sealed record ScorerMetrics(
    double Auc, double LogLoss, double Accuracy, double Precision, double Recall,
    double PrecisionTop10, double PrecisionTop20, double[] LiftByDecile, CalibrationBin[] Calibration);

/// <summary>How much the evaluation AUC drops when one feature's values are shuffled among persons.</summary>
public sealed record FeatureImportance(string Feature, double AucDrop);

/// <summary>
/// The evaluation of a trained model on a later cut than it was trained on, beside a recency-only
/// baseline scored on the same persons. Kept with the model (<c>GET /api/scoring/models/{id}</c>).
/// </summary>
public sealed record EvaluationReport(
    DateTimeOffset TrainAsOf, DateTimeOffset EvaluateAsOf, int HorizonDays,
    int TrainPersons, int TrainChurned, int Persons, int Churned, double ChurnRate, double Threshold,
    ScorerMetrics Model, ScorerMetrics Baseline, FeatureImportance[] Importance, double TrainingSeconds, IReadOnlyList<string> Warnings);

/// <summary>Computes <see cref="ScorerMetrics"/> from labels (true: churned) and predicted probabilities.</summary>
public static class Metrics
{
    public static ScorerMetrics Of(IReadOnlyList<bool> churned, IReadOnlyList<double> predicted, double threshold)
    {
        var n = churned.Count;
        var positives = churned.Count(c => c);
        var rate = n == 0 ? 0 : positives / (double)n;
        double logLoss = 0;
        int tp = 0, fp = 0, fn = 0, correct = 0;
        for (var i = 0; i < n; i++)
        {
            var p = Math.Clamp(predicted[i], 1e-15, 1 - 1e-15);
            logLoss -= churned[i] ? Math.Log(p) : Math.Log(1 - p);
            var flagged = predicted[i] >= threshold;
            if (flagged && churned[i])
                tp++;
            else if (flagged)
                fp++;
            else if (churned[i])
                fn++;
            if (flagged == churned[i])
                correct++;
        }
        // Ties are broken by index so the figures repeat exactly; the order is by descending risk.
        var order = Enumerable.Range(0, n).OrderByDescending(i => predicted[i]).ThenBy(i => i).ToArray();
        return new ScorerMetrics(
            Auc(churned, predicted),
            n == 0 ? 0 : logLoss / n,
            n == 0 ? 0 : correct / (double)n,
            tp + fp == 0 ? 0 : tp / (double)(tp + fp),
            tp + fn == 0 ? 0 : tp / (double)(tp + fn),
            PrecisionAtTop(churned, order, 0.10),
            PrecisionAtTop(churned, order, 0.20),
            Enumerable.Range(0, 10).Select(d => rate == 0 ? 0 : RateOf(churned, order, d * n / 10, (d + 1) * n / 10) / rate).ToArray(),
            Calibration(churned, predicted));
    }

    /// <summary>Area under the ROC curve from ranks (Mann–Whitney), tied predictions sharing their mean rank.</summary>
    public static double Auc(IReadOnlyList<bool> churned, IReadOnlyList<double> predicted)
    {
        var n = churned.Count;
        var order = Enumerable.Range(0, n).OrderBy(i => predicted[i]).ToArray();
        var ranks = new double[n];
        for (var i = 0; i < n;)
        {
            var j = i;
            while (j + 1 < n && predicted[order[j + 1]] == predicted[order[i]])
                j++;
            for (var k = i; k <= j; k++)
                ranks[order[k]] = (i + j) / 2.0 + 1;
            i = j + 1;
        }
        var positives = churned.Count(c => c);
        var negatives = n - positives;
        if (positives == 0 || negatives == 0)
            return 0.5;
        var rankSum = Enumerable.Range(0, n).Where(i => churned[i]).Sum(i => ranks[i]);
        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    private static double PrecisionAtTop(IReadOnlyList<bool> churned, int[] order, double share) =>
        RateOf(churned, order, 0, Math.Max(1, (int)Math.Round(order.Length * share)));

    private static double RateOf(IReadOnlyList<bool> churned, int[] order, int from, int to)
    {
        to = Math.Min(to, order.Length);
        if (to <= from)
            return 0;
        var hits = 0;
        for (var i = from; i < to; i++)
        {
            if (churned[order[i]])
                hits++;
        }
        return hits / (double)(to - from);
    }

    private static CalibrationBin[] Calibration(IReadOnlyList<bool> churned, IReadOnlyList<double> predicted)
    {
        var bins = new CalibrationBin[10];
        for (var b = 0; b < 10; b++)
        {
            var (from, to) = (b / 10.0, (b + 1) / 10.0);
            var members = Enumerable.Range(0, churned.Count).Where(i => predicted[i] >= from && (predicted[i] < to || (b == 9 && predicted[i] <= 1))).ToArray();
            bins[b] = new CalibrationBin(from, to, members.Length,
                members.Length == 0 ? 0 : members.Average(i => predicted[i]),
                members.Length == 0 ? 0 : members.Count(i => churned[i]) / (double)members.Length);
        }
        return bins;
    }
}
