namespace Streaming.Scoring.Model;

/// <summary>
/// A <see cref="TreeEnsemble"/> laid out for scoring many persons: every node of every tree in flat
/// arrays (leaf values already weighted), built once per loaded model. Besides the raw score it
/// gives, in one pass, the raw score with each feature in turn set to a reference value (what the
/// reasons are measured by): a changed feature can move a tree only if the person's path through
/// that tree splits on it, so only those trees are walked again, instead of the whole ensemble once
/// per feature. Nothing is allocated per person.
/// </summary>
public sealed class CompiledEnsemble
{
    private readonly int[] _feature;
    private readonly float[] _threshold;
    private readonly int[] _left;
    private readonly int[] _right;
    private readonly double[] _leaf;
    /// <summary>Per tree: the root node, or <c>~leaf</c> for a tree that is one leaf.</summary>
    private readonly int[] _root;
    private readonly double _bias;
    private readonly double _slope;
    private readonly double _offset;

    /// <summary>The deepest path of any tree (bounds the features a path can split on).</summary>
    public int MaxDepth { get; }

    public CompiledEnsemble(TreeEnsemble ensemble)
    {
        var nodes = ensemble.Trees.Sum(t => t.SplitFeature.Length);
        var leaves = ensemble.Trees.Sum(t => t.SplitFeature.Length + 1);
        (_feature, _threshold, _left, _right) = (new int[nodes], new float[nodes], new int[nodes], new int[nodes]);
        _leaf = new double[leaves];
        _root = new int[ensemble.Trees.Length];
        (_bias, _slope, _offset) = (ensemble.Bias, ensemble.PlattSlope, ensemble.PlattOffset);
        int node = 0, leaf = 0;
        for (var t = 0; t < ensemble.Trees.Length; t++)
        {
            var tree = ensemble.Trees[t];
            _root[t] = tree.SplitFeature.Length == 0 ? ~leaf : node;
            for (var i = 0; i < tree.SplitFeature.Length; i++)
            {
                _feature[node + i] = tree.SplitFeature[i];
                _threshold[node + i] = tree.Threshold[i];
                _left[node + i] = Child(tree.Left[i], node, leaf);
                _right[node + i] = Child(tree.Right[i], node, leaf);
            }
            for (var l = 0; l < tree.SplitFeature.Length + 1; l++)
                _leaf[leaf + l] = tree.Weight * tree.LeafValue[l];
            MaxDepth = Math.Max(MaxDepth, Depth(tree, 0));
            node += tree.SplitFeature.Length;
            leaf += tree.SplitFeature.Length + 1;
        }
    }

    /// <summary>A child in the flat arrays: a node index, or <c>~leaf index</c>.</summary>
    private static int Child(int child, int nodeBase, int leafBase) => child >= 0 ? nodeBase + child : ~(leafBase + ~child);

    private static int Depth(DecisionTree tree, int node) =>
        tree.SplitFeature.Length == 0 || node < 0 ? 0 : 1 + Math.Max(Depth(tree, tree.Left[node]), Depth(tree, tree.Right[node]));

    public double Raw(ReadOnlySpan<float> x)
    {
        var sum = _bias;
        foreach (var root in _root)
            sum += _leaf[~Walk(root, x)];
        return sum;
    }

    /// <summary>The calibrated probability of churn (Platt), as <see cref="TreeEnsemble.Probability"/>.</summary>
    public double Probability(ReadOnlySpan<float> x) => ProbabilityOf(Raw(x));

    public double ProbabilityOf(double raw) => 1 / (1 + Math.Exp(_slope * raw + _offset));

    /// <summary>
    /// The raw score of <paramref name="x"/>, and in <paramref name="rawWithReference"/>[f] the raw score
    /// when feature f alone is set to <paramref name="reference"/>[f].
    /// </summary>
    public double RawWithEachReference(ReadOnlySpan<float> x, ReadOnlySpan<float> reference, Span<double> rawWithReference)
    {
        Span<double> delta = stackalloc double[x.Length];
        delta.Clear();
        Span<int> path = stackalloc int[Math.Max(1, MaxDepth)];
        var sum = _bias;
        foreach (var root in _root)
        {
            // The person's leaf, and the distinct features split on along the way.
            var split = 0;
            var node = root;
            while (node >= 0)
            {
                var f = _feature[node];
                if (x[f] != reference[f] && path[..split].IndexOf(f) < 0)
                    path[split++] = f;
                node = x[f] <= _threshold[node] ? _left[node] : _right[node];
            }
            var value = _leaf[~node];
            sum += value;
            for (var i = 0; i < split; i++)
            {
                var f = path[i];
                delta[f] += _leaf[~Walk(root, x, f, reference[f])] - value;
            }
        }
        for (var f = 0; f < x.Length; f++)
            rawWithReference[f] = sum + delta[f];
        return sum;
    }

    private int Walk(int node, ReadOnlySpan<float> x)
    {
        while (node >= 0)
            node = x[_feature[node]] <= _threshold[node] ? _left[node] : _right[node];
        return node;
    }

    /// <summary>The leaf of <paramref name="x"/> with feature <paramref name="replaced"/> read as <paramref name="value"/>.</summary>
    private int Walk(int node, ReadOnlySpan<float> x, int replaced, float value)
    {
        while (node >= 0)
        {
            var f = _feature[node];
            node = (f == replaced ? value : x[f]) <= _threshold[node] ? _left[node] : _right[node];
        }
        return node;
    }
}
