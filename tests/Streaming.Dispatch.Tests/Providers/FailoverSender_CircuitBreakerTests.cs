namespace Streaming.Dispatch.Tests.Providers;

public sealed class FailoverSender_CircuitBreakerTests
{
    [Fact]
    public async Task FailoverSender_stops_calling_a_failing_provider_once_its_circuit_opens()
    {
        await using var failing = await ProviderServer.StartAsync((_, c) => ProviderServer.Status(c, 500));
        await using var backup = await ProviderServer.StartAsync((_, c) => ProviderServer.Accept(c));
        var failingOptions = Senders.Sms(failing.Url, maxAttempts: 1);
        failingOptions.BreakerMinimumThroughput = 4;
        failingOptions.BreakerFailureRatio = 0.5;
        failingOptions.BreakerBreakDuration = TimeSpan.FromMinutes(5);
        var (sender, providers) = Senders.For(("failing", failingOptions), ("backup", Senders.Sms(backup.Url)));
        using var _ = providers;

        const int messages = 40;
        for (var i = 0; i < messages; i++)
        {
            var result = await sender.SendAsync(Senders.Message($"r-cb-{i}"), CancellationToken.None);
            Assert.True(result.Sent, result.Error);
            Assert.Equal("backup", result.Provider);
        }

        // Four failures opened the circuit; the other sends went straight to the backup.
        Assert.Equal(4, failing.Count);
        Assert.Equal(messages, backup.Count);
    }
}
