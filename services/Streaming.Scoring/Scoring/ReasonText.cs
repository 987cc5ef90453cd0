using System.Globalization;
using Streaming.Scoring.Features;

namespace Streaming.Scoring.Scoring;

/// <summary>A feature that raised a person's risk, in words a marketer reads ("no order for 64 days; usually orders every 21").</summary>
public static class ReasonText
{
    public static string For(int feature, ReadOnlySpan<float> x)
    {
        var inv = CultureInfo.InvariantCulture;
        static string Days(float d) => Math.Round(d).ToString("0", CultureInfo.InvariantCulture);
        var gap = x[ChurnFeatures.MeanOrderGapDays];
        var usual = feature is ChurnFeatures.DaysSinceLastOrder or ChurnFeatures.GapOverdueRatio && gap > 0 ? $"; usually orders every {Days(gap)}" : "";
        return feature switch
        {
            ChurnFeatures.DaysSinceLastOrder => $"no order for {Days(x[feature])} days{usual}",
            ChurnFeatures.GapOverdueRatio => $"{x[feature].ToString("0.0", inv)}× the usual gap since the last order{usual}",
            ChurnFeatures.MeanOrderGapDays => x[feature] > 0 ? $"orders only every {Days(x[feature])} days on average" : "only one order so far",
            ChurnFeatures.DaysSinceLastVisit => $"not seen for {Days(x[feature])} days",
            ChurnFeatures.Orders30d => $"{x[feature]:0} orders in the last 30 days",
            ChurnFeatures.Orders90d => $"{x[feature]:0} orders in the last 90 days",
            ChurnFeatures.OrdersTotal => $"{x[feature]:0} orders in all",
            ChurnFeatures.Revenue30d => $"spent {x[feature].ToString("0", inv)} in the last 30 days",
            ChurnFeatures.Revenue90d => $"spent {x[feature].ToString("0", inv)} in the last 90 days",
            ChurnFeatures.RevenueTotal => $"spent {x[feature].ToString("0", inv)} in all",
            ChurnFeatures.TenureDays => $"a customer for {Days(x[feature])} days",
            ChurnFeatures.ActiveDays7d => $"active on {x[feature]:0} of the last 7 days",
            ChurnFeatures.ActiveDays28d => $"active on {x[feature]:0} of the last 28 days",
            ChurnFeatures.Refunds => $"{x[feature]:0} refunds",
            ChurnFeatures.Engagement90d => $"opened or clicked {x[feature]:0} messages in 90 days",
            ChurnFeatures.OpenCart => x[feature] > 0 ? "left items in the cart" : "no open cart",
            _ => ChurnFeatures.Names[feature],
        };
    }
}
