namespace Streaming.Scoring.Model;

/// <summary>
/// One regression tree in the form ML.NET's FastTree exposes it: node i sends a vector left when
/// <c>x[SplitFeature[i]] &lt;= Threshold[i]</c>; a negative child <c>c</c> is the leaf <c>~c</c>.
/// A tree without nodes is one leaf.
/// </summary>
public sealed record DecisionTree(int[] SplitFeature, float[] Threshold, int[] Left, int[] Right, double[] LeafValue, double Weight)
{
    public double Evaluate(ReadOnlySpan<float> x)
    {
        if (SplitFeature.Length == 0)
            return Weight * LeafValue[0];
        var node = 0;
        while (node >= 0)
            node = x[SplitFeature[node]] <= Threshold[node] ? Left[node] : Right[node];
        return Weight * LeafValue[~node];
    }
}

/// <summary>
/// A boosted tree ensemble with Platt calibration, exported from ML.NET so a model is a plain JSON
/// definition: the scoring service evaluates it without ML.NET, fast, and can say which features
/// moved a score. A test proves it gives ML.NET's probabilities.
/// </summary>
public sealed record TreeEnsemble(double Bias, DecisionTree[] Trees, double PlattSlope, double PlattOffset)
{
    public double Raw(ReadOnlySpan<float> x)
    {
        var sum = Bias;
        foreach (var tree in Trees)
            sum += tree.Evaluate(x);
        return sum;
    }

    /// <summary>The calibrated probability of churn, as ML.NET's PlattCalibrator computes it.</summary>
    public double Probability(ReadOnlySpan<float> x) => 1 / (1 + Math.Exp(PlattSlope * Raw(x) + PlattOffset));
}
