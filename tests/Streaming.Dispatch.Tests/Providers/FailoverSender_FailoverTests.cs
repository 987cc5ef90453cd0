namespace Streaming.Dispatch.Tests.Providers;

public sealed class FailoverSender_FailoverTests
{
    [Fact]
    public async Task FailoverSender_sends_through_the_second_provider_when_the_first_is_dead()
    {
        await using var backup = await ProviderServer.StartAsync((_, c) => ProviderServer.Accept(c));
        var (sender, providers) = Senders.For(("dead", Senders.Sms(ProviderServer.DeadUrl(), maxAttempts: 2)), ("backup", Senders.Sms(backup.Url)));
        using var _ = providers;

        var result = await sender.SendAsync(Senders.Message("r-dead"), CancellationToken.None);

        Assert.True(result.Sent, result.Error);
        Assert.Equal("backup", result.Provider);
        Assert.Equal(1, backup.Count);
    }

    [Fact]
    public async Task FailoverSender_gives_up_on_a_provider_that_times_out_and_fails_over()
    {
        using var release = new CancellationTokenSource();
        await using var slow = await ProviderServer.StartAsync(async (_, c) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), release.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            await ProviderServer.Accept(c);
        });
        await using var backup = await ProviderServer.StartAsync((_, c) => ProviderServer.Accept(c));
        var (sender, providers) = Senders.For(("slow", Senders.Sms(slow.Url, maxAttempts: 2, timeout: TimeSpan.FromMilliseconds(300))), ("backup", Senders.Sms(backup.Url)));
        using var _ = providers;

        var result = await sender.SendAsync(Senders.Message("r-slow"), CancellationToken.None);
        await release.CancelAsync();

        Assert.True(result.Sent, result.Error);
        Assert.Equal("backup", result.Provider);
        Assert.Equal(2, slow.Count);
    }
}
