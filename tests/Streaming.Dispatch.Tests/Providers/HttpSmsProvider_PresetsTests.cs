using System.Text.Json;
using Streaming.Dispatch.Providers;

namespace Streaming.Dispatch.Tests.Providers;

public sealed class HttpSmsProvider_PresetsTests
{
    [Fact]
    public async Task HttpSmsProvider_speaks_the_twilio_vonage_and_generic_request_shapes()
    {
        await using var server = await ProviderServer.StartAsync((_, c) => ProviderServer.Accept(c));
        var twilio = Senders.Sms(server.Url);
        twilio.Preset = "twilio";
        twilio.Username = "AC123";
        twilio.Password = "token";
        twilio.From = "+15550001";
        var vonage = Senders.Sms(server.Url);
        vonage.Preset = "vonage";
        vonage.Username = "key";
        vonage.Password = "secret";
        vonage.From = "Shop";
        var generic = Senders.Sms(server.Url);
        generic.BodyTemplate = """{"msisdn":"{{to}}","message":"{{text}}"}""";

        foreach (var (name, options) in new[] { ("twilio", twilio), ("vonage", vonage), ("generic", generic) })
        {
            var (sender, providers) = Senders.For((name, options));
            using var _ = providers;
            Assert.True((await sender.SendAsync(Senders.Message("r-" + name, text: "Say \"hi\"\nbye"), CancellationToken.None)).Sent);
        }

        var requests = server.Received.ToList();
        Assert.Equal("To=%2B4915112345678&From=%2B15550001&Body=Say+%22hi%22%0Abye", requests[0].Body);
        Assert.StartsWith("Basic ", requests[0].Headers["Authorization"]);
        Assert.Equal("r-twilio", requests[0].Headers["I-Twilio-Idempotency-Token"]);
        using var vonageBody = JsonDocument.Parse(requests[1].Body);
        Assert.Equal("Say \"hi\"\nbye", vonageBody.RootElement.GetProperty("text").GetString());
        Assert.Equal("r-vonage", vonageBody.RootElement.GetProperty("client-ref").GetString());
        using var genericBody = JsonDocument.Parse(requests[2].Body);
        Assert.Equal("+4915112345678", genericBody.RootElement.GetProperty("msisdn").GetString());
        Assert.Equal("Say \"hi\"\nbye", genericBody.RootElement.GetProperty("message").GetString());
    }
}
