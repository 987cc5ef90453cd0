using System.Text.Json;
using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Messaging;

namespace Streaming.Dispatch.Tests.Service;

public sealed class DispatchService_SendTests : IAsyncLifetime
{
    private DispatchFixture _host = null!;

    public async Task InitializeAsync() => _host = await DispatchFixture.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Dispatch_renders_the_template_sends_once_and_suppresses_what_must_not_go_out()
    {
        await _host.PutTemplateAsync("welcome", """
            {"channel": "sms", "defaultLocale": "en", "variants": {"en": {"text": "Hi! Code {{ vars.code }}: https://shop.example/cart"}}}
            """);
        await _host.PutContactAsync(1, "+4915100000001");
        await _host.PutContactAsync(3, "+4915100000003");
        using (await _host.Http.PutAsync("/api/dispatch/suppressions/3", null))
        {
        }

        await _host.SendAsync(
            DispatchFixture.Request("send-1", 1, variables: """{"code":"X1"}"""),
            DispatchFixture.Request("expired-1", 1, expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds()),
            DispatchFixture.Request("no-address-2", 2),
            DispatchFixture.Request("suppressed-3", 3));

        var sent = await _host.WaitForReceiptAsync("send-1", ReceiptStatus.Sent);
        Assert.StartsWith("pm-", sent.ProviderMessageId);
        Assert.Equal("expired", (await _host.WaitForReceiptAsync("expired-1", ReceiptStatus.Suppressed)).Error);
        Assert.StartsWith("no address", (await _host.WaitForReceiptAsync("no-address-2", ReceiptStatus.Suppressed)).Error);
        Assert.Equal("suppression list", (await _host.WaitForReceiptAsync("suppressed-3", ReceiptStatus.Suppressed)).Error);

        var request = Assert.Single(_host.Provider.Received);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("+4915100000001", body.RootElement.GetProperty("to").GetString());
        var text = body.RootElement.GetProperty("text").GetString()!;
        Assert.StartsWith("Hi! Code X1: http://127.0.0.1:8080/m/c/", text);
        var token = TrackingToken.Verify(DispatchFixture.TrackingKey, text[(text.LastIndexOf('/') + 1)..]);
        Assert.Equal("https://shop.example/cart", token?.Url);
        Assert.Equal("send-1", token?.RequestId);
        Assert.Equal("send-1", request.Headers["Idempotency-Key"]);
    }

    [Fact]
    public async Task Dispatch_refuses_a_template_with_an_unknown_variable_naming_it()
    {
        using var response = await _host.Http.PutAsync("/api/definitions/templates/bad",
            new StringContent("""{"channel": "sms", "variants": {"en": {"text": "Hi {{ coupon }}"}}}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains("variants.en.text", problem, StringComparison.Ordinal);
        Assert.Contains("unknown variable 'coupon'", problem, StringComparison.Ordinal);
    }
}
