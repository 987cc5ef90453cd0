using System.Net;
using System.Text;
using System.Text.Json;
using Streaming.Contracts.Records;
using Streaming.Dispatch.Tests.Providers;

namespace Streaming.Dispatch.Tests.Service;

/// <summary>
/// A tenant's providers per channel as definitions (kind <c>channel</c>): credentials referenced by name
/// from configuration, refused in the body, validated when saved; the instance's providers stay the default.
/// </summary>
public sealed class ChannelSettings_DefinitionTests : IAsyncLifetime
{
    private DispatchFixture _host = null!;

    public async Task InitializeAsync() => _host = await DispatchFixture.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("""{"providers": [{"name": "own", "kind": "sms-http", "url": "https://sms.example/send", "password": "hunter2"}]}""", "providers[0].password", "never stored in definitions")]
    [InlineData("""{"providers": [{"name": "own", "kind": "sms-http", "url": "https://sms.example/send", "credentials": "nobody"}]}""", "providers[0].credentials", "'nobody' is not configured")]
    [InlineData("""{"providers": [{"name": "own", "kind": "push-fcm", "url": "https://fcm.example/send"}]}""", "providers[0].kind", "delivers push, not sms")]
    [InlineData("""{"providers": [{"name": "own", "kind": "sms-http", "url": "ftp://sms.example"}]}""", "providers[0].url", "absolute http(s) URL")]
    [InlineData("""{"providers": [{"name": "own", "kind": "sms-http", "url": "https://sms.example", "maxAttempts": 99}]}""", "providers[0].maxAttempts", "use 1 to 20")]
    [InlineData("""{"providers": []}""", "providers", "non-empty array")]
    public async Task Channel_settings_are_refused_naming_the_field_when_invalid(string body, string field, string message)
    {
        using var response = await _host.Http.PutAsync("/api/definitions/channels/sms", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = Assert.Single(problem.RootElement.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == field);
        Assert.Contains(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", problem.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tenant_sends_through_its_own_provider_with_the_referenced_credentials_and_other_tenants_through_the_instances()
    {
        await using var own = await ProviderServer.StartAsync((_, c) => ProviderServer.Accept(c));
        await using var dead = await ProviderServer.StartAsync((_, c) => ProviderServer.Status(c, 503));
        var settings = $$"""
            {"providers": [
              {"name": "flaky", "kind": "sms-http", "url": "{{dead.Url}}", "maxAttempts": 1},
              {"name": "own", "kind": "sms-http", "url": "{{own.Url}}", "credentials": "tenant-sms", "from": "+15550001"}]}
            """;
        using (var response = await _host.Http.PutAsync("/api/definitions/channels/sms", new StringContent(settings, Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var stored = await _host.Http.GetAsync("/api/definitions/channels/sms"))
            Assert.DoesNotContain(DispatchFixture.TenantSmsAuth, await stored.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await _host.PutTemplateAsync("welcome", """{"channel": "sms", "variants": {"en": {"text": "Hi"}}}""");
        await _host.PutContactAsync(1, "+4915100000001");

        await _host.SendAsync(DispatchFixture.Request("tenant-own-1", 1));

        Assert.NotNull(await _host.WaitForReceiptAsync("tenant-own-1", ReceiptStatus.Sent));
        // Failed over from the tenant's first provider to its second, never to the instance's provider.
        Assert.Equal(1, dead.Count);
        var request = Assert.Single(own.Received);
        Assert.Equal(DispatchFixture.TenantSmsAuth, request.Headers["Authorization"]);
        Assert.Contains("+15550001", request.Body, StringComparison.Ordinal);
        Assert.Equal(0, _host.Provider.Count);

        // Without its settings the tenant is back on the instance's providers.
        using (var deleted = await _host.Http.DeleteAsync("/api/definitions/channels/sms"))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await _host.SendAsync(DispatchFixture.Request("tenant-default-2", 1));
        Assert.NotNull(await _host.WaitForReceiptAsync("tenant-default-2", ReceiptStatus.Sent));
        Assert.Equal(1, _host.Provider.Count);
        Assert.Single(own.Received);
    }
}
