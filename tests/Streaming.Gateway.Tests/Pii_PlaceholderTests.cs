using System.Text.Json;

namespace Streaming.Gateway.Tests;

/// <summary>Placeholder PII is removed with a warning and never hashed: its hash would link strangers.</summary>
[Collection(GatewayCollection.Name)]
public sealed class Pii_PlaceholderTests(GatewayFixture host)
{
    [Theory]
    [InlineData("email", "\"undefined\"")]
    [InlineData("email", "\"null\"")]
    [InlineData("email", "\"(null)\"")]
    [InlineData("email", "\"test@test.com\"")]
    [InlineData("email", "\"Test@Example.com\"")]
    [InlineData("email", "\"someone@mail.invalid\"")]
    [InlineData("email", "\"undefined\\u200b\"")]
    [InlineData("email", "\"  \"")]
    [InlineData("phone", "0")]
    [InlineData("phone", "\"0\"")]
    [InlineData("phone", "\"000-000-0000\"")]
    [InlineData("phone", "\"123456789\"")]
    [InlineData("Mobile", "\"n/a\"")]
    public async Task Gateway_removes_placeholder_pii_with_a_warning_instead_of_hashing_it(string name, string json)
    {
        var source = await host.CreateSourceAsync();

        var response = await host.PostAsync("/v1/identify", $$$"""{"anonymousId": "device-1", "traits": {"{{{name}}}": {{{json}}}, "plan": "pro"}}""", source.WriteKey);

        var answer = await response.Content.ReadAsStringAsync();
        Assert.Contains("junk_pii", answer, StringComparison.Ordinal);
        Assert.Contains("traits." + name, answer, StringComparison.Ordinal);
        var stored = Assert.Single(host.ReadRaw(source.Tenant)).Event;
        using var traits = JsonDocument.Parse(stored.Traits);
        Assert.Equal("""{"plan":"pro"}""", JsonSerializer.Serialize(traits.RootElement));
    }

    [Theory]
    [InlineData("-0.0")]
    [InlineData("\"(null)\"")]
    [InlineData("\"undefined\\u200b\"")]
    [InlineData("\"<undefined>\"")]
    public async Task Gateway_removes_a_placeholder_user_id_and_keeps_the_event_on_its_device(string userId)
    {
        var source = await host.CreateSourceAsync();

        var response = await host.PostAsync("/v1/identify", $$$"""{"anonymousId": "device-1", "userId": {{{userId}}}}""", source.WriteKey);

        Assert.Contains("junk_identifier", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var stored = Assert.Single(host.ReadRaw(source.Tenant)).Event;
        Assert.Null(stored.UserId);
        Assert.Equal("device-1", stored.AnonymousId);
    }
}
