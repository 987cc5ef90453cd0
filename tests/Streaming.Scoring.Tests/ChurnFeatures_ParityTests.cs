using Streaming.Scoring.Features;

namespace Streaming.Scoring.Tests;

/// <summary>
/// One definition, two evaluators: the features ClickHouse computes as of a cut and those the live
/// profile gives at the same instant are the same vector for every person (Online Retail customers
/// with browsing, carts and message opens added).
/// </summary>
[Collection(ScoringCollection.Name)]
public sealed class ChurnFeatures_ParityTests(ScoringFixture fixture)
{
    [Fact]
    public async Task Offline_and_online_features_are_the_same_vector_when_both_see_the_same_history()
    {
        var tenant = "parity-" + Guid.NewGuid().ToString("N")[..8];
        var cut = new DateTimeOffset(2011, 3, 15, 10, 30, 0, TimeSpan.Zero);
        var events = RetailHistory.WithActivity(tenant, RetailHistory.Invoices()).Where(e => e.Event.Timestamp <= cut.ToUnixTimeMilliseconds()).ToList();
        var history = await fixture.NewHistoryAsync();
        await history.StoreAsync(events);
        var store = fixture.Profiles();
        await ProfileBuilder.SaveAsync(store, tenant, events, cut.ToUnixTimeMilliseconds());

        var offline = await new OfflineChurnFeatures(history.ConnectionString, history.Database).AsOfAsync(tenant, cut, default);

        var customers = events.Where(e => e.Event.Event == "Order Completed").Select(e => e.PersonId).Distinct().Count();
        Assert.Equal(customers, offline.Count);
        var exercised = new bool[ChurnFeatures.Count];
        foreach (var person in offline)
        {
            var profile = await store.LoadCurrentAsync(tenant, person.PersonId);
            var online = OnlineChurnFeatures.Of(profile.State, cut.ToUnixTimeMilliseconds());
            // What the service scores with: the stored profile read for the features' series only.
            var stored = (await store.LoadCurrentEncodedManyAsync(tenant, [person.PersonId]))[0].Data!;
            var served = new float[ChurnFeatures.Count];
            OnlineChurnFeatures.Of(stored, cut.ToUnixTimeMilliseconds(), served);
            Assert.Equal(online, served);
            for (var f = 0; f < ChurnFeatures.Count; f++)
            {
                var (a, b) = (person.Vector[f], online[f]);
                Assert.True(Math.Abs(a - b) <= 1e-4 * Math.Max(1, Math.Abs(a)),
                    $"person {person.PersonId}, {ChurnFeatures.Names[f]}: offline {a}, online {b}");
                exercised[f] |= a > 0;
            }
        }
        // Every feature took a non-zero value for someone: the comparison covered each of them.
        Assert.All(Enumerable.Range(0, ChurnFeatures.Count), f => Assert.True(exercised[f], ChurnFeatures.Names[f] + " was never non-zero"));
    }
}
