namespace Streaming.Scoring.Features;

/// <summary>
/// The one churn feature definition: the names, their order in a vector and what each means. The
/// offline evaluator (<see cref="OfflineChurnFeatures"/>, ClickHouse as of a cut) and the online one
/// (<see cref="OnlineChurnFeatures"/>, the live profile) both follow it, and a test proves they give
/// the same vector for the same person and instant. docs/scoring.md explains every choice.
/// </summary>
public static class ChurnFeatures
{
    public const string OrderCompleted = "Order Completed";
    public const string OrderRefunded = "Order Refunded";
    public const string ProductAdded = "Product Added";
    public const string CartCleared = "Cart Cleared";

    /// <summary>Receipt events that count as engagement with our messages.</summary>
    public static readonly IReadOnlyList<string> EngagementEvents = ["Message Opened", "Message Clicked"];

    /// <summary>The value of a feature that does not apply (no order yet, a single order): trees split it off.</summary>
    public const float NotApplicable = -1;

    public const int DaysSinceLastOrder = 0;
    public const int DaysSinceLastVisit = 1;
    public const int Orders30d = 2;
    public const int Orders90d = 3;
    public const int OrdersTotal = 4;
    public const int Revenue30d = 5;
    public const int Revenue90d = 6;
    public const int RevenueTotal = 7;
    public const int MeanOrderGapDays = 8;
    public const int GapOverdueRatio = 9;
    public const int TenureDays = 10;
    public const int ActiveDays7d = 11;
    public const int ActiveDays28d = 12;
    public const int Refunds = 13;
    public const int Engagement90d = 14;
    public const int OpenCart = 15;

    /// <summary>Feature names in vector order (the model definition stores them and is refused when they differ).</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "days_since_last_order", "days_since_last_visit", "orders_30d", "orders_90d", "orders_total",
        "revenue_30d", "revenue_90d", "revenue_total", "mean_order_gap_days", "gap_overdue_ratio",
        "tenure_days", "active_days_7d", "active_days_28d", "refunds", "engagement_90d", "open_cart",
    ];

    public static int Count => Names.Count;

    public const long MsPerDay = 86_400_000;

    /// <summary>The UTC day number of an instant, as the profile's daily buckets count days.</summary>
    public static int Day(long epochMs) => (int)Math.Floor(epochMs / (double)MsPerDay);

    /// <summary>Fractional days between two instants.</summary>
    public static float DaysBetween(long from, long to) => (float)((to - from) / (double)MsPerDay);

    /// <summary>
    /// The features derived from the others, computed in one place for both evaluators: the mean gap
    /// between orders (first to last order over the gaps between them) and how overdue the next order
    /// is (days since the last order over that mean gap).
    /// </summary>
    public static void Derive(Span<float> vector, long? firstOrder, long? lastOrder)
    {
        var orders = vector[OrdersTotal];
        if (orders >= 2 && firstOrder is { } first && lastOrder is { } last)
        {
            var gap = DaysBetween(first, last) / (orders - 1);
            vector[MeanOrderGapDays] = gap;
            vector[GapOverdueRatio] = gap > 0 ? vector[DaysSinceLastOrder] / gap : NotApplicable;
        }
        else
        {
            vector[MeanOrderGapDays] = NotApplicable;
            vector[GapOverdueRatio] = NotApplicable;
        }
    }
}
