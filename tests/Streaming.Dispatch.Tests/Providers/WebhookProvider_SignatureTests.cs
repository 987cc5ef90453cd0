using System.Text;
using Streaming.Dispatch.Providers;

namespace Streaming.Dispatch.Tests.Providers;

public sealed class WebhookProvider_SignatureTests
{
    private const string Secret = "whsec-0123456789abcdef";

    [Fact]
    public async Task WebhookProvider_signs_the_body_so_a_receiver_can_verify_it_and_spot_a_change()
    {
        await using var receiver = await ProviderServer.StartAsync((_, c) => ProviderServer.Accept(c));
        var (sender, providers) = Senders.For(("crm", new ProviderOptions { Kind = ProviderKinds.Webhook, Url = receiver.Url, Secret = Secret }));
        using var _ = providers;

        var result = await sender.SendAsync(Senders.Message("r-wh", channel: "webhook", address: "call-centre", text: "Call back about order 42"), CancellationToken.None);

        Assert.True(result.Sent, result.Error);
        var received = Assert.Single(receiver.Received);
        var body = Encoding.UTF8.GetBytes(received.Body);
        var timestamp = received.Headers[WebhookSignature.TimestampHeader];
        var signature = received.Headers[WebhookSignature.SignatureHeader];
        Assert.True(WebhookSignature.Verify(Secret, timestamp, signature, body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(Secret, timestamp, signature, Encoding.UTF8.GetBytes(received.Body.Replace("42", "43", StringComparison.Ordinal)), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("another-secret-0000", timestamp, signature, body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.Contains("\"target\":\"call-centre\"", received.Body);
        Assert.Equal("r-wh", received.Headers[HttpMessageProvider.IdempotencyHeader]);
    }
}
