using System.Text.Json;
using Streaming.Scoring.Features;
using Streaming.Scoring.Training;
using Streaming.ServiceDefaults;

namespace Streaming.Scoring.Model;

/// <summary>
/// A published churn model: the body of a definition of kind <c>model</c> on
/// <c>config.definitions</c>. It carries the feature names it was trained on, the exported trees,
/// the reference person that reasons are measured against, and its evaluation report. Each
/// training publishes a new id (<c>churn-&lt;train cut&gt;-&lt;time&gt;</c>), so earlier versions stay listed.
/// </summary>
public sealed record ChurnModelDefinition(
    string Model, IReadOnlyList<string> Features, int HorizonDays, DateTimeOffset TrainedAt,
    float[] Reference, TreeEnsemble Ensemble, EvaluationReport Evaluation)
{
    public const string ChurnModel = "churn";

    /// <summary>The id a training publishes under: the evaluation cut and the training time, so every training is a new version.</summary>
    public static string IdFor(DateTimeOffset evaluateAsOf, DateTimeOffset trainedAt) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"churn-{evaluateAsOf:yyyyMMdd}-{trainedAt:yyyyMMddHHmmss}");

    public string ToJson() => JsonSerializer.Serialize(this, StreamingJson.Options);

    /// <summary>Reads and checks a definition body; a problem is a value naming the field and the fix.</summary>
    public static (ChurnModelDefinition? Model, string? Problem) Parse(string json)
    {
        ChurnModelDefinition? model;
        try
        {
            model = JsonSerializer.Deserialize<ChurnModelDefinition>(json, StreamingJson.Options);
        }
        catch (JsonException ex)
        {
            return (null, $"The model document is not valid JSON for a churn model ({ex.Message}); publish it with `train churn --publish`.");
        }
        if (model is null)
            return (null, "The model document is empty; publish it with `train churn --publish`.");
        if (model.Model != ChurnModel)
            return (null, $"model: '{model.Model}' is not a model this service scores; it must be '{ChurnModel}'.");
        if (model.Features is null || !model.Features.SequenceEqual(ChurnFeatures.Names))
            return (null, $"features: the model was trained on other features than this service computes ({string.Join(", ", ChurnFeatures.Names)}); retrain it with this version.");
        if (model.Reference is null || model.Reference.Length != ChurnFeatures.Count)
            return (null, $"reference: must hold {ChurnFeatures.Count} values, one per feature.");
        if (model.Ensemble?.Trees is null || model.Ensemble.Trees.Length == 0)
            return (null, "ensemble.trees: the model has no trees; retrain it.");
        if (model.Ensemble.Trees.Any(Malformed))
            return (null, "ensemble.trees: a tree is malformed (node arrays of different lengths or children out of range); retrain the model.");
        if (model.HorizonDays <= 0)
            return (null, "horizonDays: must be a positive number of days.");
        return (model, null);
    }

    private static bool Malformed(DecisionTree tree)
    {
        if (tree.SplitFeature is not { } split || tree.Threshold is null || tree.Left is not { } left || tree.Right is not { } right || tree.LeafValue is null)
            return true;
        var nodes = split.Length;
        return tree.Threshold.Length != nodes || left.Length != nodes || right.Length != nodes || tree.LeafValue.Length != nodes + 1
            || split.Any(f => f < 0 || f >= ChurnFeatures.Count)
            || Enumerable.Range(0, nodes).Any(i => BadChild(left[i], i, nodes) || BadChild(right[i], i, nodes));
    }

    /// <summary>A child is a later node (so evaluation always ends) or an existing leaf.</summary>
    private static bool BadChild(int child, int node, int nodes) => child >= 0 ? child <= node || child >= nodes : ~child > nodes;
}
