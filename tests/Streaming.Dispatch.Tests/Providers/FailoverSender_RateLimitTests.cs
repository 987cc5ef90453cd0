using Streaming.Dispatch.Delivery;

namespace Streaming.Dispatch.Tests.Providers;

public sealed class FailoverSender_RateLimitTests
{
    [Fact]
    public async Task FailoverSender_never_lets_more_sends_reach_the_provider_than_its_sends_per_second_allow()
    {
        await using var server = await ProviderServer.StartAsync((_, c) => ProviderServer.Accept(c));
        var (sender, providers) = Senders.For(("limited", Senders.Sms(server.Url, sendsPerSecond: 40)));
        using var _ = providers;
        var bucket = ProviderResilience.Bucket(40);

        const int messages = 120;
        var start = DateTimeOffset.UtcNow;
        var results = await Task.WhenAll(Enumerable.Range(0, messages).Select(i => sender.SendAsync(Senders.Message($"r-rl-{i}"), CancellationToken.None)));

        Assert.All(results, r => Assert.True(r.Sent, r.Error));
        Assert.Equal(messages, server.Count);
        // Only an upper bound on the sends of each window [start, t] (a limiter is broken only by letting too
        // many through; a slow machine only makes arrivals later, which this allows): the bucket starts full and
        // each replenishment period begun since the start adds its tokens, so by time t at most
        // full + tokens * (periods begun by t) were released, and a send reaches the provider after its release.
        // One more bucket of slack for timer ticks at the edge of a period.
        var arrivals = server.Received.Select(r => r.At).Order().ToList();
        for (var sent = 1; sent <= arrivals.Count; sent++)
        {
            var periods = Math.Floor((arrivals[sent - 1] - start) / bucket.ReplenishmentPeriod) + 1;
            var allowed = 2 * bucket.TokenLimit + bucket.TokensPerPeriod * periods;
            Assert.True(sent <= allowed,
                $"{sent} sends had reached the provider {(arrivals[sent - 1] - start).TotalMilliseconds:F0} ms after the start; 40/s allows at most {allowed}");
        }
    }
}
