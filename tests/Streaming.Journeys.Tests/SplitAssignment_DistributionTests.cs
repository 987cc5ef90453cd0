using Streaming.Journeys.Engine;
using Streaming.Journeys.Model;

namespace Streaming.Journeys.Tests;

/// <summary>A/B/control by a stable hash: 10,000 persons land within ±2 % of the percentages, and each person always lands the same.</summary>
public sealed class SplitAssignment_DistributionTests
{
    private static readonly SplitStep Split = new("offer", [new SplitVariant("A", 45, "a"), new SplitVariant("B", 45, "b")], 10);

    [Fact]
    public void Split_lands_10000_persons_within_2_percent_of_each_share_and_the_same_on_every_entry()
    {
        var counts = new Dictionary<string, int> { ["A"] = 0, ["B"] = 0, ["control"] = 0 };
        for (long person = 1; person <= 10_000; person++)
        {
            var first = SplitAssignment.Of(Split, "t-split", "winback", person)?.Name ?? "control";
            var again = SplitAssignment.Of(Split, "t-split", "winback", person)?.Name ?? "control";
            Assert.Equal(first, again);
            counts[first]++;
        }
        Assert.InRange(counts["A"], 4_300, 4_700);
        Assert.InRange(counts["B"], 4_300, 4_700);
        Assert.InRange(counts["control"], 800, 1_200);
    }

    [Fact]
    public void Split_assigns_independently_per_journey()
    {
        var same = Enumerable.Range(1, 1_000).Count(p =>
            SplitAssignment.Of(Split, "t-split", "one", p)?.Name == SplitAssignment.Of(Split, "t-split", "two", p)?.Name);
        // Independent 45/45/10 draws agree with probability 0.45² + 0.45² + 0.1² = 0.415.
        Assert.InRange(same, 330, 500);
    }
}
