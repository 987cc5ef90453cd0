namespace Streaming.Dispatch.Tests.Providers;

public sealed class FailoverSender_RateLimitTests
{
    [Fact]
    public async Task FailoverSender_holds_the_providers_sends_per_second_when_more_are_asked_for()
    {
        await using var server = await ProviderServer.StartAsync((_, c) => ProviderServer.Accept(c));
        var (sender, providers) = Senders.For(("limited", Senders.Sms(server.Url, sendsPerSecond: 40)));
        using var _ = providers;

        const int messages = 120;
        var results = await Task.WhenAll(Enumerable.Range(0, messages).Select(i => sender.SendAsync(Senders.Message($"r-rl-{i}"), CancellationToken.None)));

        Assert.All(results, r => Assert.True(r.Sent, r.Error));
        Assert.Equal(messages, server.Count);
        // As the provider saw them, once the first connections were open (their set-up delays the first
        // arrivals, which would make the rest look faster): steady sends at no more than the limit.
        var arrivals = server.Received.Select(r => r.At).Order().Skip(20).ToList();
        var rate = (arrivals.Count - 1) / (arrivals[^1] - arrivals[0]).TotalSeconds;
        // Unlimited, these sends arrive within a few milliseconds (hundreds per second); the margin only
        // absorbs arrival jitter of one or two 100 ms buckets over the run.
        Assert.True(rate <= 40 * 1.15, $"the provider received {rate:F1} sends per second; the limit is 40/s");
    }
}
