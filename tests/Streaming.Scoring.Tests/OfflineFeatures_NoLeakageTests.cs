using Streaming.Scoring.Features;

namespace Streaming.Scoring.Tests;

/// <summary>Features as of a cut read nothing after it: events planted after the cut change no vector and add no person.</summary>
[Collection(ScoringCollection.Name)]
public sealed class OfflineFeatures_NoLeakageTests(ScoringFixture fixture)
{
    [Fact]
    public async Task Features_as_of_a_cut_do_not_change_when_future_events_are_planted()
    {
        var tenant = "leak-" + Guid.NewGuid().ToString("N")[..8];
        var cut = new DateTimeOffset(2011, 2, 1, 0, 0, 0, TimeSpan.Zero);
        var invoices = RetailHistory.Invoices().Where(i => i.At <= cut).ToList();
        var history = await fixture.NewHistoryAsync();
        await history.StoreAsync(RetailHistory.WithActivity(tenant, invoices));
        var features = new OfflineChurnFeatures(history.ConnectionString, history.Database);
        var before = await features.AsOfAsync(tenant, cut, default);

        var someone = before[before.Count / 2].PersonId;
        await history.StoreAsync(
        [
            // One millisecond after the cut: an order, a refund, a cart, a message open of an existing customer ...
            RetailHistory.Track(tenant, someone, "Order Completed", cut.AddMilliseconds(1), "future-order", """{"revenue": 5000}"""),
            RetailHistory.Track(tenant, someone, "Order Refunded", cut.AddDays(1), "future-refund", """{"revenue": -20}"""),
            RetailHistory.Track(tenant, someone, "Product Added", cut.AddDays(2), "future-cart"),
            RetailHistory.Track(tenant, someone, "Message Opened", cut.AddDays(3), "future-open"),
            // ... and a customer whose first order is after the cut.
            RetailHistory.Track(tenant, 99_999_999, "Order Completed", cut.AddHours(1), "future-customer", """{"revenue": 10}"""),
        ]);
        var after = await features.AsOfAsync(tenant, cut, default);

        Assert.Equal(before.Select(p => p.PersonId), after.Select(p => p.PersonId));
        for (var i = 0; i < before.Count; i++)
            Assert.Equal(before[i].Vector, after[i].Vector);
        // The planted order does count for the label: the person ordered within the horizon.
        Assert.Contains(someone, await features.OrderedWithinAsync(tenant, cut, TimeSpan.FromDays(60), default));
    }
}
