using Streaming.Dispatch.Providers;

namespace Streaming.Dispatch.Tests.Providers;

public sealed class FailoverSender_RetryTests
{
    [Fact]
    public async Task FailoverSender_retries_a_500_until_the_provider_accepts()
    {
        await using var server = await ProviderServer.StartAsync((n, c) => n < 3 ? ProviderServer.Status(c, 500) : ProviderServer.Accept(c));
        var (sender, providers) = Senders.For(("primary", Senders.Sms(server.Url, maxAttempts: 4)));
        using var _ = providers;

        var result = await sender.SendAsync(Senders.Message("r-500"), CancellationToken.None);

        Assert.True(result.Sent, result.Error);
        Assert.Equal("primary", result.Provider);
        Assert.StartsWith("pm-", result.ProviderMessageId);
        Assert.Equal(3, server.Count);
        Assert.All(server.Received, r => Assert.Equal("r-500", r.Headers[HttpMessageProvider.IdempotencyHeader]));
    }

    [Fact]
    public async Task FailoverSender_retries_a_429_after_its_Retry_After_and_fails_over_when_it_is_too_long()
    {
        await using var polite = await ProviderServer.StartAsync((n, c) => n == 1 ? ProviderServer.Status(c, 429, "1") : ProviderServer.Accept(c));
        var (sender, providers) = Senders.For(("polite", Senders.Sms(polite.Url)));
        using var _ = providers;
        var result = await sender.SendAsync(Senders.Message("r-429"), CancellationToken.None);
        Assert.True(result.Sent, result.Error);
        Assert.Equal(2, polite.Count);

        await using var busy = await ProviderServer.StartAsync((_, c) => ProviderServer.Status(c, 429, "3600"));
        await using var backup = await ProviderServer.StartAsync((_, c) => ProviderServer.Accept(c));
        var (failover, failoverProviders) = Senders.For(("busy", Senders.Sms(busy.Url)), ("backup", Senders.Sms(backup.Url)));
        using var __ = failoverProviders;
        var moved = await failover.SendAsync(Senders.Message("r-429-long"), CancellationToken.None);
        Assert.True(moved.Sent, moved.Error);
        Assert.Equal("backup", moved.Provider);
        Assert.Equal(1, busy.Count);
    }

    [Fact]
    public async Task FailoverSender_does_not_retry_a_rejection_and_fails_with_every_providers_reason()
    {
        await using var first = await ProviderServer.StartAsync((_, c) => ProviderServer.Status(c, 400));
        await using var second = await ProviderServer.StartAsync((_, c) => ProviderServer.Status(c, 503));
        var (sender, providers) = Senders.For(("first", Senders.Sms(first.Url)), ("second", Senders.Sms(second.Url, maxAttempts: 2)));
        using var _ = providers;

        var result = await sender.SendAsync(Senders.Message("r-400"), CancellationToken.None);

        Assert.False(result.Sent);
        Assert.Equal(1, first.Count);
        Assert.Equal(2, second.Count);
        Assert.Contains("first: HTTP 400", result.Error);
        Assert.Contains("second: HTTP 503", result.Error);
    }
}
