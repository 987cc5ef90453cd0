using System.Globalization;
using Streaming.Scoring.Training;

namespace Streaming.Cli.Train;

/// <summary>Prints an evaluation report as a reader checks it: model beside baseline, then lift, calibration, importance.</summary>
internal static class ReportWriter
{
    public static void Write(EvaluationReport r, TextWriter o)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(c, $"training: {r.TrainPersons:N0} persons as of {r.TrainAsOf:yyyy-MM-dd}, {r.TrainChurned:N0} churned; FastTree in {r.TrainingSeconds:F1} s"));
        o.WriteLine(string.Create(c, $"evaluation: {r.Persons:N0} persons as of {r.EvaluateAsOf:yyyy-MM-dd}, {r.Churned:N0} churned within {r.HorizonDays} days ({r.ChurnRate:P1})"));
        foreach (var warning in r.Warnings)
            o.WriteLine("warning: " + warning);
        o.WriteLine(string.Create(c, $"{"",-26}{"model",10}{"recency baseline",18}"));
        void Row(string name, double model, double baseline, string format = "F3") =>
            o.WriteLine(string.Create(c, $"{name,-26}{model.ToString(format, c),10}{baseline.ToString(format, c),18}"));
        Row("AUC", r.Model.Auc, r.Baseline.Auc);
        Row("log loss", r.Model.LogLoss, r.Baseline.LogLoss);
        Row($"accuracy @ {r.Threshold:F2}", r.Model.Accuracy, r.Baseline.Accuracy);
        Row($"precision @ {r.Threshold:F2}", r.Model.Precision, r.Baseline.Precision);
        Row($"recall @ {r.Threshold:F2}", r.Model.Recall, r.Baseline.Recall);
        Row("precision top 10%", r.Model.PrecisionTop10, r.Baseline.PrecisionTop10);
        Row("precision top 20%", r.Model.PrecisionTop20, r.Baseline.PrecisionTop20);
        o.WriteLine("lift by decile (1 = riskiest), model / baseline:");
        o.WriteLine("  " + string.Join(" ", r.Model.LiftByDecile.Select(l => l.ToString("F2", c))));
        o.WriteLine("  " + string.Join(" ", r.Baseline.LiftByDecile.Select(l => l.ToString("F2", c))));
        o.WriteLine("calibration (model): predicted range, persons, mean predicted, observed churn rate");
        foreach (var bin in r.Model.Calibration.Where(b => b.Persons > 0))
            o.WriteLine(string.Create(c, $"  {bin.From:F1}-{bin.To:F1} {bin.Persons,6:N0} {bin.MeanPredicted,8:F3} {bin.ObservedRate,8:F3}"));
        o.WriteLine("feature importance (evaluation AUC lost when the feature is shuffled):");
        foreach (var f in r.Importance)
            o.WriteLine(string.Create(c, $"  {f.Feature,-24}{f.AucDrop,8:F4}"));
    }
}
