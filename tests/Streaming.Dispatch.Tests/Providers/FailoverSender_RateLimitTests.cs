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
        // As the provider saw them: the sends after the first bucket (4 tokens) arrived at no more than the limit.
        var arrivals = server.Received.Select(r => r.At).Order().ToList();
        var rate = (messages - 4) / (arrivals[^1] - arrivals[0]).TotalSeconds;
        Assert.True(rate <= 40 * 1.05, $"the provider received {rate:F1} sends per second; the limit is 40/s");
    }
}
